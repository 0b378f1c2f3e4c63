/**
 * Settings: the image roots. Disk images, kernels and initrds can only come from an image root;
 * the library, the samples' folder and the roots set by flag or environment are shown read-only,
 * the roots saved here are edited as one absolute folder per line.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { imageRootWarning } from '@mpqemu/shared';
import { useState } from 'react';
import { errorMessage, useTRPC } from '../api/index.ts';
import { Modal } from '../shell/modal.tsx';
import './settings.css';

const KIND_LABEL: Record<string, string> = {
  library: 'image library',
  samples: 'samples',
  configured: '--image-root / MPQEMU_IMAGE_ROOTS',
  settings: 'saved here',
};

function RootsEditor({ initial, onClose }: { initial: string[]; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initial.join('\n'));
  const save = useMutation(
    trpc.settings.setImageRoots.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.settings.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
        onClose();
      },
    }),
  );
  const roots = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return (
    <>
      <label className="field">
        <span className="field__label">Your image roots (one absolute folder per line)</span>
        <textarea
          className="input settings__roots"
          data-testid="settings-roots"
          rows={5}
          spellCheck={false}
          value={text}
          placeholder="/home/me/vm-images"
          onChange={(e) => setText(e.target.value)}
        />
        {roots.map((r) => {
          const warning = imageRootWarning(r);
          return (
            warning && (
              <span
                key={r}
                className="settings__warning"
                role="status"
                data-testid="settings-warning"
              >
                {warning}
              </span>
            )
          );
        })}
        {save.error && (
          <span className="field__error" role="alert" data-testid="settings-error">
            {errorMessage(save.error)}
          </span>
        )}
      </label>
      <div className="settings__actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn--primary"
          data-testid="settings-save"
          disabled={save.isPending}
          onClick={() => save.mutate({ imageRoots: roots })}
        >
          Save
        </button>
      </div>
    </>
  );
}

/** The settings dialog; the saved roots apply to the next check and start at once. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions());
  return (
    <Modal title="Settings" testId="settings-dialog" onClose={onClose} wide>
      <p className="settings__intro">
        Disk images, kernels and initrds can only come from these folders. The data directory’s own
        files ({settings.data?.dataDir ?? '…'}) can never be attached.
      </p>
      {settings.error && <p className="field__error">{errorMessage(settings.error)}</p>}
      {settings.data && (
        <>
          <ul className="settings__list" data-testid="settings-roots-in-force">
            {settings.data.roots.map((r) => (
              <li key={`${r.kind}:${r.path}`}>
                <span className="mono">{r.path}</span>
                {r.real !== r.path && <span className="mono"> (resolves to {r.real})</span>}
                <span className="settings__kind">{KIND_LABEL[r.kind] ?? r.kind}</span>
              </li>
            ))}
          </ul>
          {settings.data.refused.length > 0 && (
            <ul className="settings__list" data-testid="settings-roots-refused">
              {settings.data.refused.map((r) => (
                <li key={`${r.kind}:${r.path}`} className="field__error">
                  Ignored: <span className="mono">{r.path}</span>
                  {r.real !== r.path && <span className="mono"> (resolves to {r.real})</span>}{' '}
                  {r.problem}
                </li>
              ))}
            </ul>
          )}
          <RootsEditor initial={settings.data.imageRoots} onClose={onClose} />
        </>
      )}
    </Modal>
  );
}
