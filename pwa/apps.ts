// The three front ends built from this one project. Each is a Vite build of
// its own (vite-plugin-pwa makes one service worker per build), written into
// one dist/ folder: the customer app at the root, the consoles in their
// folders. vite.config.ts reads this table; `vite build --mode <name>`
// picks the row.

export type AppName = 'customer' | 'financier' | 'dealer';

/** One front end: where its source is, where it is served, how it installs. */
export interface AppSpec {
  name: AppName;
  /** URL path the app is served under; also its service-worker scope. */
  base: string;
  /** Output folder, relative to the project. */
  outDir: string;
  /** Static files copied as they are, relative to the project. */
  publicDir: string | false;
  /** Precache globs that belong to other apps' builds. */
  globIgnores: string[];
  title: string;
  shortName: string;
  description: string;
  themeColour: string;
}

export const apps: Record<AppName, AppSpec> = {
  customer: {
    name: 'customer',
    base: '/',
    outDir: 'dist',
    // public/ holds the customer files at its root and the consoles' files
    // in their folders; each console's own build writes those again.
    publicDir: 'public',
    globIgnores: ['financier/**', 'dealer/**'],
    title: 'Keyturn',
    shortName: 'Keyturn',
    description: 'Your car finance agreement, your options at the end of it, and a person to talk to.',
    themeColour: '#0b5394',
  },
  financier: {
    name: 'financier',
    base: '/financier/',
    outDir: 'dist/financier',
    publicDir: 'public/financier',
    globIgnores: [],
    title: 'Keyturn financier console',
    shortName: 'KT Financier',
    description: 'Campaigns, customers and your team at your finance company.',
    themeColour: '#1d4e47',
  },
  dealer: {
    name: 'dealer',
    base: '/dealer/',
    outDir: 'dist/dealer',
    publicDir: 'public/dealer',
    globIgnores: [],
    title: 'Keyturn dealer console',
    shortName: 'KT Dealer',
    description: 'Booked appointments and leads for your dealer locations.',
    themeColour: '#6b2d5c',
  },
};

/** appFor maps a Vite mode to its app; Vite's own modes mean the customer app. */
export function appFor(mode: string): AppSpec {
  if (mode === 'financier' || mode === 'dealer' || mode === 'customer') {
    return apps[mode];
  }
  return apps.customer;
}
