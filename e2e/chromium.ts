/**
 * How every browser test and benchmark starts Chromium: Debian's package (Playwright never
 * downloads a browser here), headless as root. The networking flags matter on a closed network:
 * without them Chromium keeps opening connections that the machine refuses.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
