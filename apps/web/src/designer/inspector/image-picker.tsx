import type { ImageFormat } from '@mpqemu/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api/index.ts';
import { Modal } from '../../shell/modal.tsx';
import { formatBytes } from './image-size.ts';
import './image-picker.css';

const ATTACHABLE: readonly string[] = ['raw', 'qcow2'];

/**
 * The files under the server's image roots (images.list), searchable by path. For a drive
 * (`anyFile` false) choosing one gives its path and detected format; images of other formats are
 * shown but cannot be chosen, with the reason. For a kernel or initrd any file will do.
 */
export function ImagePicker({
  title,
  anyFile = false,
  onPick,
  onClose,
}: {
  title: string;
  anyFile?: boolean;
  onPick: (path: string, format: ImageFormat) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.images.list.queryOptions(undefined, { staleTime: 0 }));
  const [query, setQuery] = useState('');
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const images = (list.data?.images ?? []).filter((i) =>
    words.every((w) => i.path.toLowerCase().includes(w)),
  );
  return (
    <Modal title={title} testId="image-picker" onClose={onClose} wide>
      <input
        className="input"
        type="search"
        data-testid="image-search"
        aria-label="Search images by path"
        placeholder="Search by name or folder"
        autoFocus
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {list.isPending && <p className="muted">Loading…</p>}
      {list.error && <p className="field__error">{list.error.message}</p>}
      {list.data && (
        <p className="muted image-picker__roots">
          Looking in {list.data.roots.map((r) => r.path).join(', ')}
          {list.data.truncated ? ' (the first images only)' : ''}
        </p>
      )}
      {list.data && images.length === 0 && (
        <p className="muted" data-testid="image-picker-empty">
          {list.data.images.length === 0
            ? 'Nothing in the image roots yet: create an image from a drive’s inspector.'
            : 'No image matches the search.'}
        </p>
      )}
      <ul className="image-picker__list" aria-label="Images">
        {images.map((image) => {
          const usable = anyFile || (ATTACHABLE.includes(image.format) && image.damaged === null);
          const why = image.damaged ?? `${image.format} images cannot be attached (raw or qcow2)`;
          return (
            <li key={image.path}>
              <button
                type="button"
                className="image-picker__item"
                data-testid="image-option"
                data-path={image.path}
                disabled={!usable}
                title={usable ? `Use ${image.path}` : why}
                onClick={() => {
                  onPick(image.path, image.format as ImageFormat);
                  onClose();
                }}
              >
                <span className="mono image-picker__path">{image.path}</span>
                <span className="image-picker__meta">
                  {!anyFile && <span className="chip">{image.format}</span>}
                  <span>{formatBytes(image.virtualSize)}</span>
                  <span className="muted">{formatBytes(image.allocatedSize)} on disk</span>
                  {image.backingFile !== null && (
                    <span className="chip chip--warning" title={image.backingFile}>
                      backing file
                    </span>
                  )}
                  {image.usedBy.length > 0 && (
                    <span className="chip chip--warning">
                      in use by run {image.usedBy.join(', ')}
                    </span>
                  )}
                  {!usable && <span className="field__error">{why}</span>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </Modal>
  );
}
