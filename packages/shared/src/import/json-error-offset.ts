/**
 * Where a JSON text stops being valid. JSON.parse's messages carry a position in some engines
 * and not in others (V8 says "Unexpected token 'l'"), so the import finds it itself to point at
 * the exact column. Only called after JSON.parse has failed.
 */
class JsonStop extends Error {
  constructor(readonly at: number) {
    super(`invalid JSON at ${at}`);
  }
}

export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (' \t\n\r'.includes(text[i] ?? 'x')) i++;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) throw new JsonStop(i);
    i += word.length;
  };
  const string = () => {
    if (text[i] !== '"') throw new JsonStop(i);
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') throw new JsonStop(i);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new JsonStop(i);
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else throw new JsonStop(i);
      } else i++;
    }
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        literal(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else return literal('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else return literal(']');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) throw new JsonStop(i);
    i += m[0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (e) {
    return e instanceof JsonStop ? e.at : 0;
  }
}
