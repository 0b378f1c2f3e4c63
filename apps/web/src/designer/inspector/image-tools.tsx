import type { Drive, ImageFormat } from '@mpqemu/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../api/index.ts';
import { ImageCreator } from './image-creator.tsx';
import { ImagePicker } from './image-picker.tsx';
import { formatBytes } from './image-size.ts';
import { useEditing } from './use-editing.ts';

/** Waits for the user to stop typing a path before the server looks at it. */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * Under the drive's path: choose an image from the library, create one, and what the server
 * detects in the file at the typed path (images.inspect), with a one-click fix when its format
 * differs from the drive's. The mismatch itself is a problem on the drive node (host check).
 */
export function ImageTools({ drive }: { drive: Drive }) {
  const trpc = useTRPC();
  const { drive: editDrive } = useEditing();
  const [mode, setMode] = useState<'idle' | 'pick' | 'create'>('idle');
  const path = useSettled(drive.image.path, 400);
  const inspect = useQuery(
    trpc.images.inspect.queryOptions(
      { path },
      { enabled: path.startsWith('/'), staleTime: 2_000, retry: false },
    ),
  );
  const use = (p: string, format: ImageFormat) =>
    editDrive(drive.id, null, (d) => ({ ...d, image: { ...d.image, path: p, format } }));
  const found = inspect.data?.ok === true ? inspect.data : null;
  const detected = found?.format;
  const fixable = (detected === 'raw' || detected === 'qcow2') && detected !== drive.image.format;
  return (
    <>
      <div className="image-tools">
        <button
          type="button"
          className="btn"
          data-testid="image-choose"
          onClick={() => setMode('pick')}
        >
          Choose image…
        </button>
        <button
          type="button"
          className="btn"
          data-testid="image-create"
          aria-expanded={mode === 'create'}
          onClick={() => setMode(mode === 'create' ? 'idle' : 'create')}
        >
          Create image…
        </button>
      </div>
      {found && path === drive.image.path && (
        <p className="image-detected" data-testid="image-detected">
          <span>
            Detected: <strong>{found.format}</strong>, {formatBytes(found.virtualSize)}
          </span>
          {found.backingFile !== null && <span>backing file {found.backingFile} (ignored)</span>}
          {fixable && (
            <button
              type="button"
              className="btn"
              data-testid="image-use-detected"
              onClick={() => use(drive.image.path, detected)}
            >
              Use {detected}
            </button>
          )}
        </p>
      )}
      {mode === 'create' && (
        <ImageCreator
          drive={drive}
          onCreated={(p, format) => {
            use(p, format);
            setMode('idle');
          }}
          onCancel={() => setMode('idle')}
        />
      )}
      {mode === 'pick' && (
        <ImagePicker
          title={`Choose an image for ${drive.id}`}
          onPick={use}
          onClose={() => setMode('idle')}
        />
      )}
    </>
  );
}

/** "Choose…" for a kernel or initrd: any file under the image roots, no path to type. */
export function ChooseFileButton({
  what,
  testId,
  onPick,
}: {
  what: string;
  testId: string;
  onPick: (path: string) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn image-tools__choose"
        data-testid={testId}
        onClick={() => setOpen(true)}
      >
        Choose {what}…
      </button>
      {open && (
        <ImagePicker
          title={`Choose the ${what}`}
          anyFile
          onPick={(path) => onPick(path)}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
