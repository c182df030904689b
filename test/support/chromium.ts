/**
 * Flags for Debian's Chromium in headless runs here: without the background
 * networking ones it tries the closed network at every start. Shared by the
 * browser tests, the screenshot scripts and the dashboard benchmark.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium unless CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';
