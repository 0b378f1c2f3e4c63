/**
 * The designer's one store. The document (`topology`) is the only part undo tracks: selection,
 * the canvas nodes, the drop highlight and notices are view state. A drag updates the view nodes
 * on every pointer move and commits to the document once, at drag end.
 */
import {
  DEFAULT_CAPABILITIES,
  planLaunch,
  withHostProblems,
  type Capabilities,
  type ImportResult,
  type PlanResult,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { temporal } from 'zundo';
import { createStore } from 'zustand/vanilla';
import { buildView } from '../canvas/build-view.ts';
import type { DesignerEdge, DesignerNode } from '../canvas/types.ts';
import { emptyTopology } from '../doc/defaults.ts';
import { autoLayout, layoutIncomplete } from '../layout/auto-layout.ts';

interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface DesignerState {
  topology: Topology;
  /** Name in the server's store; null for a document never saved there. */
  name: string | null;
  /**
   * The example a new document was made from (its title); samples are templates, never written
   * to: Save on one asks for a name. Null for an empty or opened document.
   */
  template: string | null;
  /** The document as last opened or saved, to tell whether there are unsaved changes. */
  savedJson: string;
  caps: Capabilities;
  /**
   * The launch plan of the document, made once per document or capabilities change: the canvas,
   * problems list, preview, export and Start all read it instead of validating again.
   */
  plan: PlanResult;
  /**
   * The validator's findings (the plan's, whether it succeeded or not), then the server's host
   * check of the document's files (`hostProblems`).
   */
  problems: Problem[];
  /**
   * What the importer corrected, assumed or left out for this document (its issues and extra
   * arguments); kept until another document is opened or the user dismisses it.
   */
  importReport: Pick<ImportResult, 'issues' | 'extraArgs'> | null;
  /** The last host check (topologies.hostCheck, or a refused Start) of the document's files. */
  hostProblems: Problem[];
  nodes: DesignerNode[];
  edges: DesignerEdge[];
  /** Container or device highlighted as the target of a drag or palette drop. */
  dropTarget: string | null;
  notice: Notice | null;
  /** Counts documents opened; the canvas re-mounts (and fits the view) for each. */
  loadCount: number;

  /** Replaces the document (open, import, sample); clears undo history. */
  load: (
    topology: Topology,
    name: string | null,
    options?: {
      saved?: boolean;
      template?: string | null;
      importReport?: DesignerState['importReport'];
    },
  ) => void;
  markSaved: (name: string, topology?: Topology) => void;
  setCaps: (caps: Capabilities) => void;
  /**
   * Takes the host check made for the files described by `key` (hostCheckKey); ignored when the
   * document's files have changed since, so a slow answer never labels a newer document.
   */
  setHostProblems: (key: string, problems: Problem[]) => void;
  /**
   * Commits a document change as one undo step. Consecutive edits with the same `coalesce` key
   * (typing in one field) merge into one step.
   */
  edit: (change: (t: Topology) => Topology, coalesce?: string) => void;
  undo: () => void;
  redo: () => void;
  onNodesChange: (changes: NodeChange<DesignerNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<DesignerEdge>[]) => void;
  setNodes: (nodes: DesignerNode[]) => void;
  select: (ids: readonly string[]) => void;
  setDropTarget: (id: string | null) => void;
  notify: (text: string, tone?: Notice['tone']) => void;
  /** Rebuilds the canvas from the document, dropping uncommitted drag positions. */
  refreshView: () => void;
}

export interface DesignerInit {
  topology?: Topology;
  name?: string | null;
  caps?: Capabilities;
}

// Dirty checks run on every store update (each drag frame); serialize a document once.
const jsonCache = new WeakMap<Topology, string>();
function stableJson(t: Topology): string {
  let json = jsonCache.get(t);
  if (json === undefined) {
    json = JSON.stringify(t);
    jsonCache.set(t, json);
  }
  return json;
}
let noticeIds = 0;

/** Plans (and so validates) a document once; the host's findings are added after the validator's. */
function check(
  topology: Topology,
  caps: Capabilities,
  host: readonly Problem[] = [],
): Pick<DesignerState, 'plan' | 'problems'> {
  const plan = planLaunch(topology, caps);
  return { plan, problems: withHostProblems(plan.ok ? plan.plan.problems : plan.problems, host) };
}

/** What the host check depends on: the boot files and the drives (ids, paths, formats, order). */
export function hostCheckKey(t: Topology): string {
  return JSON.stringify([t.vm.boot, t.drives]);
}

/** Creates a designer store; the app makes one and provides it through context. */
export function createDesignerStore(init: DesignerInit = {}) {
  let lastKey: string | null = null;
  const initial = prepare(init.topology ?? emptyTopology());
  const caps = init.caps ?? DEFAULT_CAPABILITIES;
  const checked = check(initial, caps);

  const store = createStore<DesignerState>()(
    temporal(
      (set, get) => {
        /** The checked document and its canvas; `refreshView` keeps the current check. */
        const view = (
          topology: Topology,
          c = get().caps,
          result = check(topology, c, get().hostProblems),
        ) => ({
          ...result,
          ...buildView(topology, result.problems, get().nodes, get().edges),
        });
        return {
          topology: initial,
          name: init.name ?? null,
          template: null,
          importReport: null,
          savedJson: stableJson(initial),
          caps,
          ...checked,
          hostProblems: [],
          ...buildView(initial, checked.problems),
          dropTarget: null,
          notice: null,
          loadCount: 0,

          load: (topology, name, options = {}) => {
            const doc = prepare(topology);
            store.temporal.getState().pause();
            set({
              topology: doc,
              name,
              template: options.template ?? null,
              importReport: options.importReport ?? null,
              savedJson: options.saved === false ? '' : stableJson(doc),
              nodes: [],
              edges: [],
              hostProblems: [],
              loadCount: get().loadCount + 1,
            });
            set(view(doc));
            store.temporal.getState().resume();
            store.temporal.getState().clear();
            lastKey = null;
          },
          markSaved: (name, topology) =>
            set({ name, template: null, savedJson: stableJson(topology ?? get().topology) }),
          setCaps: (c) => set({ caps: c, ...view(get().topology, c) }),
          setHostProblems: (key, problems) => {
            const { topology, hostProblems } = get();
            if (key !== hostCheckKey(topology)) return;
            if (JSON.stringify(problems) === JSON.stringify(hostProblems)) return;
            set({ hostProblems: problems });
            set(view(topology));
          },
          edit: (change, coalesce) => {
            const current = get().topology;
            const next = change(current);
            if (next === current) return;
            const merge = coalesce !== undefined && coalesce === lastKey;
            if (merge) store.temporal.getState().pause();
            set({ topology: next, ...view(next) });
            if (merge) store.temporal.getState().resume();
            lastKey = coalesce ?? null;
          },
          undo: () => {
            store.temporal.getState().undo();
            lastKey = null;
            set(view(get().topology));
          },
          redo: () => {
            store.temporal.getState().redo();
            lastKey = null;
            set(view(get().topology));
          },
          onNodesChange: (changes) => set({ nodes: applyNodeChanges(changes, get().nodes) }),
          onEdgesChange: (changes) => set({ edges: applyEdgeChanges(changes, get().edges) }),
          setNodes: (nodes) => set({ nodes }),
          select: (ids) => {
            const wanted = new Set(ids);
            set({
              nodes: get().nodes.map((n) =>
                n.selected === wanted.has(n.id) ? n : { ...n, selected: wanted.has(n.id) },
              ),
              edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
            });
          },
          setDropTarget: (id) => {
            if (get().dropTarget !== id) set({ dropTarget: id });
          },
          notify: (text, tone = 'info') => set({ notice: { id: ++noticeIds, text, tone } }),
          refreshView: () => {
            const { topology, caps: c, plan, problems: probs } = get();
            set(view(topology, c, { plan, problems: probs }));
          },
        };
      },
      {
        partialize: (s) => ({ topology: s.topology }),
        // Only document changes make history; view updates (drag frames, selection) do not.
        equality: (a, b) => a.topology === b.topology,
        limit: 200,
      },
    ),
  );
  return store;
}

export type DesignerStore = ReturnType<typeof createDesignerStore>;

/** A document with every node positioned: documents from files often carry no layout. */
function prepare(t: Topology): Topology {
  return layoutIncomplete(t) ? { ...t, layout: { ...t.layout, ...autoLayout(t) } } : t;
}

/**
 * What the document is called for the user: its name in the store (what Save writes), else the
 * template it came from; `unsavedNote` says that Save will ask for a name.
 */
export function documentLabel(s: Pick<DesignerState, 'name' | 'template'>): string {
  return s.name ?? s.template ?? 'Untitled';
}

/**
 * Null for a saved document; else what the top bar's chip and the window title add to the label
 * (a template is never written: Save asks for a name, as the chip's tooltip says).
 */
export function unsavedNote(s: Pick<DesignerState, 'name' | 'template'>): string | null {
  if (s.name !== null) return null;
  return s.template === null ? 'not saved' : 'template';
}

/** Whether the document differs from its last opened or saved state. */
export function isDirty(s: Pick<DesignerState, 'topology' | 'savedJson'>): boolean {
  return stableJson(s.topology) !== s.savedJson;
}
