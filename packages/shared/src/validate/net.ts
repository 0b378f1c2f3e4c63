import type { ValidationContext } from './context.ts';
import { show } from './show.ts';

const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** nvme allows 20 characters; we apply the same to virtio-blk for one simple rule. */
const SERIAL_PATTERN = /^[A-Za-z0-9_-]{1,20}$/;

/** NIC addresses and host forwards; block device serial numbers. */
export function checkDeviceProps(ctx: ValidationContext): void {
  const macs = new Map<string, string>();
  const forwards = new Map<string, string>();
  ctx.topology.devices.forEach((device, i) => {
    if (
      device.family === 'block' &&
      device.serial !== undefined &&
      !SERIAL_PATTERN.test(device.serial)
    ) {
      ctx.report(
        'error',
        'device.serial',
        `serial of ${show(device.id)} must be 1-20 letters, digits, "-" or "_"`,
        `devices[${i}].serial`,
        [device.id],
      );
    }
    if (device.family !== 'net') return;
    if (device.mac !== undefined) {
      const mac = device.mac.toLowerCase();
      if (!MAC_PATTERN.test(mac)) {
        ctx.report(
          'error',
          'net.mac',
          `MAC address of ${show(device.id)} must look like 52:54:00:12:34:56`,
          `devices[${i}].mac`,
          [device.id],
        );
      } else if (Number.parseInt(mac.slice(0, 2), 16) & 1) {
        ctx.report(
          'error',
          'net.mac',
          `MAC address of ${show(device.id)} is a multicast address (first byte odd); use a unicast one such as 52:54:00:…`,
          `devices[${i}].mac`,
          [device.id],
        );
      } else {
        const other = macs.get(mac);
        if (other)
          ctx.report(
            'error',
            'net.mac-clash',
            `${show(device.id)} and ${show(other)} have the same MAC address ${mac}`,
            `devices[${i}].mac`,
            [device.id, other],
          );
        else macs.set(mac, device.id);
      }
    }
    device.backend.hostForwards.forEach((fwd, j) => {
      const key = `${fwd.protocol}/${fwd.hostPort}`;
      const other = forwards.get(key);
      if (other) {
        ctx.report(
          'error',
          'net.hostfwd-clash',
          `host ${fwd.protocol} port ${fwd.hostPort} is forwarded by both ${show(other)} and ${show(device.id)}`,
          `devices[${i}].backend.hostForwards[${j}].hostPort`,
          [device.id, other],
        );
      } else {
        forwards.set(key, device.id);
      }
    });
  });
}
