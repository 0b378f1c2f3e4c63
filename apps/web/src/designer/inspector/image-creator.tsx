import { imageNameProblem, imageSizeProblem, type Drive, type ImageFormat } from '@mpqemu/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '../../api/index.ts';

/**
 * Creates an empty image in the server's image library (images.create) and puts it on the drive
 * with its format: no path to type. The server refuses an existing name rather than overwrite.
 */
export function ImageCreator({
  drive,
  onCreated,
  onCancel,
}: {
  drive: Drive;
  onCreated: (path: string, format: ImageFormat) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [format, setFormat] = useState<ImageFormat>('qcow2');
  const [name, setName] = useState(`${drive.id}.qcow2`);
  const [size, setSize] = useState('64');
  const create = useMutation(
    trpc.images.create.mutationOptions({
      onSuccess: ({ path }) => {
        void qc.invalidateQueries({ queryKey: trpc.images.list.queryKey() });
        onCreated(path, format);
      },
    }),
  );
  const sizeMiB = Number(size);
  // The server's rules, in its words (images.create checks them again).
  const nameError = imageNameProblem(name);
  const sizeError = imageSizeProblem(sizeMiB);
  const changeFormat = (f: ImageFormat) => {
    setFormat(f);
    // Keep the extension telling the truth while the user has not chosen a name of their own.
    setName((n) => n.replace(/\.(qcow2|img)$/, f === 'qcow2' ? '.qcow2' : '.img'));
  };
  return (
    <form
      className="image-creator"
      data-testid="image-creator"
      aria-label="Create an image"
      onSubmit={(e) => {
        e.preventDefault();
        if (nameError === null && sizeError === null) create.mutate({ name, format, sizeMiB });
      }}
    >
      <label className="field">
        <span className="field__label">File name (in the image library)</span>
        <input
          className="input mono"
          data-testid="image-create-name"
          value={name}
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
        />
        {nameError && <span className="field__error">{nameError}</span>}
      </label>
      <div className="field-row">
        <label className="field">
          <span className="field__label">Format</span>
          <select
            className="input"
            data-testid="image-create-format"
            value={format}
            onChange={(e) => changeFormat(e.target.value as ImageFormat)}
          >
            <option value="qcow2">qcow2 (grows as written)</option>
            <option value="raw">raw (sparse)</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">Size (MiB)</span>
          <input
            className="input"
            type="number"
            min={1}
            data-testid="image-create-size"
            value={size}
            onChange={(e) => setSize(e.target.value)}
          />
          {sizeError && <span className="field__error">{sizeError}</span>}
        </label>
      </div>
      {create.error && (
        <p className="field__error" role="alert" data-testid="image-create-error">
          {errorMessage(create.error)}
        </p>
      )}
      <div className="image-creator__actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn--primary"
          data-testid="image-create-confirm"
          disabled={create.isPending || nameError !== null || sizeError !== null}
        >
          {create.isPending ? 'Creating…' : 'Create image'}
        </button>
      </div>
    </form>
  );
}
