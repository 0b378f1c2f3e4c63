/** A main QEMU command line with `n` e1000e NICs, each with its user-mode netdev, one per line. */
export function manyNics(n: number): string {
  const parts = ['qemu-system-x86_64 -machine pc -m 512'];
  for (let i = 0; i < n; i++) {
    parts.push(`-device e1000e,id=nic${i},netdev=n${i} -netdev user,id=n${i}`);
  }
  return parts.join(' \\\n  ');
}
