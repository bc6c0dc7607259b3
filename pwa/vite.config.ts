import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { appFor } from './apps';

const here = fileURLToPath(new URL('.', import.meta.url));

// One app per build: `vite build --mode financier` builds the financier
// console into dist/financier. `npm run build` runs all three in order
// (customer first, because it empties dist/).
export default defineConfig(({ mode }) => {
  const app = appFor(mode);
  return {
    root: resolve(here, 'src', app.name),
    base: app.base,
    publicDir: app.publicDir === false ? false : resolve(here, app.publicDir),
    envDir: here,
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: {
      outDir: resolve(here, app.outDir),
      emptyOutDir: true,
      target: 'es2022',
      // No inline scripts or data: fonts: the server's CSP allows 'self' only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
    server: {
      // `npm run dev -- --mode financier` against a local `keyturn serve`.
      proxy: { '/api': process.env.KEYTURN_API ?? 'http://127.0.0.1:8080' },
      fs: { allow: [here] },
    },
    plugins: [
      VitePWA({
        strategies: 'injectManifest',
        srcDir: '.',
        filename: 'sw.ts',
        // We register the worker from our own module: an injected inline
        // script would be blocked by the CSP.
        injectRegister: false,
        manifestFilename: 'manifest.webmanifest',
        scope: app.base,
        base: app.base,
        includeManifestIcons: false,
        manifest: {
          id: app.base,
          name: app.title,
          short_name: app.shortName,
          description: app.description,
          lang: 'en-GB',
          dir: 'ltr',
          start_url: app.base,
          scope: app.base,
          display: 'standalone',
          orientation: 'any',
          theme_color: app.themeColour,
          background_color: '#ffffff',
          prefer_related_applications: false,
          icons: [
            { src: `${app.base}icons/icon-192.png`, sizes: '192x192', type: 'image/png', purpose: 'any' },
            { src: `${app.base}icons/icon-512.png`, sizes: '512x512', type: 'image/png', purpose: 'any' },
            { src: `${app.base}icons/maskable-192.png`, sizes: '192x192', type: 'image/png', purpose: 'maskable' },
            { src: `${app.base}icons/maskable-512.png`, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          ],
        },
        injectManifest: {
          // The larger icons are only read when installing; the 192 px one
          // is the page's own icon.
          globPatterns: ['**/*.{js,css,html,svg,woff2}', 'icons/icon-192.png'],
          globIgnores: ['sw.js', ...app.globIgnores],
          // The shell is a few dozen KB; a file near this size is a mistake.
          maximumFileSizeToCacheInBytes: 512 * 1024,
          // A classic script: registered with type 'classic', which every
          // browser that has service workers supports.
          rollupFormat: 'iife',
        },
        devOptions: { enabled: false },
      }),
    ],
  };
});
