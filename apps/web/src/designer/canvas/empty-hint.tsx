import { useDesigner } from '../store/context.tsx';
import './empty-hint.css';

/** What to do on an empty design; it steps aside as soon as there is something to look at. */
export function EmptyCanvasHint() {
  const empty = useDesigner(
    (s) =>
      s.topology.devices.length === 0 &&
      s.topology.drives.length === 0 &&
      s.topology.processes.length === 0,
  );
  if (!empty) return null;
  return (
    <div className="empty-hint" data-testid="empty-hint" role="note">
      <h2 className="empty-hint__title">An empty VM</h2>
      <ul className="empty-hint__steps">
        <li>
          Drag a device from the palette onto the canvas: a PCI device dropped outside the VM gets a
          remote process of its own.
        </li>
        <li>Drop a drive on a controller, then create or choose its image in the inspector.</li>
        <li>Select the VM to set how it boots, then press Start.</li>
      </ul>
      <p className="empty-hint__more">
        Right-click for more, <kbd>?</kbd> lists the keyboard shortcuts, or start from an example
        with New.
      </p>
    </div>
  );
}
