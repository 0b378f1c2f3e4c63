import { describe, expect, it } from 'vitest';
import {
  parseAccels,
  parseDevices,
  parseMachines,
  parseMemTotalMiB,
  parseObjectTypes,
  parseProperties,
  parseVersion,
} from './parse.ts';

describe('QEMU help parsers (7.2 output)', () => {
  it('reads the version', () => {
    expect(parseVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7)\nCopyright')).toBe(
      '7.2.22',
    );
    expect(parseVersion('something else')).toBeNull();
  });
  it('reads machines, devices, properties, objects and accelerators', () => {
    expect(
      parseMachines(
        'Supported machines are:\nmicrovm              microvm (i386)\npc                   Standard PC (alias of pc-i440fx-7.2)\n',
      ),
    ).toEqual(['microvm', 'pc']);
    expect(
      parseDevices(
        'Storage devices:\nname "lsi53c895a", bus PCI, desc "LSI"\nname "scsi-hd", bus SCSI\n',
      ),
    ).toEqual(['lsi53c895a', 'scsi-hd']);
    expect(
      parseProperties('x-pci-proxy-dev options:\n  addr=<int32>   - Slot\n  fd=<str>\n'),
    ).toEqual(['addr', 'fd']);
    expect(
      parseObjectTypes('List of user creatable objects:\n  authz-list\n  memory-backend-memfd\n'),
    ).toEqual(['authz-list', 'memory-backend-memfd']);
    expect(parseAccels('Accelerators supported in QEMU binary:\ntcg\nkvm\n')).toEqual([
      'tcg',
      'kvm',
    ]);
    expect(parseMemTotalMiB('MemTotal:        8388608 kB\nMemFree: 1 kB')).toBe(8192);
  });
});
