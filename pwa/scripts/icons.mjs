// Draws the Keyturn mark (a keyhole inside a ring, the turn of a key) as the
// PNG icons each app's manifest lists, using only Node: the shapes are
// sampled per pixel with 4×4 supersampling and written as an RGBA PNG.
// Run `npm run icons` after changing a colour; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

// Keep in step with themeColour in apps.ts.
const targets = [
  { dir: 'icons', colour: '#0b5394' },
  { dir: 'financier/icons', colour: '#1d4e47' },
  { dir: 'dealer/icons', colour: '#6b2d5c' },
];

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function hex(colour) {
  const n = parseInt(colour.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// Shapes in unit coordinates (0..1, y down).
function inRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inMark(x, y, scale) {
  // Scale about the centre so the maskable icon keeps the mark inside the
  // safe zone (a circle of 40% radius).
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  const d = Math.hypot(u - 0.5, v - 0.5);
  const ring = d >= 0.36 && d <= 0.42;
  const head = Math.hypot(u - 0.5, v - 0.41) <= 0.12;
  let slot = false;
  if (v >= 0.45 && v <= 0.72) {
    const t = (v - 0.45) / 0.27;
    const half = 0.05 + t * 0.045;
    slot = Math.abs(u - 0.5) <= half;
  }
  return ring || head || slot;
}

function draw(size, colour, maskable) {
  const [r, g, b] = hex(colour);
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          const inside = maskable || inRoundedSquare(x, y, 0.2);
          if (!inside) continue;
          bg++;
          if (inMark(x, y, maskable ? 0.72 : 0.86)) fg++;
        }
      }
      const alpha = bg / (n * n);
      const mix = bg === 0 ? 0 : fg / bg;
      const i = (py * size + px) * 4;
      out[i] = Math.round(r + (255 - r) * mix);
      out[i + 1] = Math.round(g + (255 - g) * mix);
      out[i + 2] = Math.round(b + (255 - b) * mix);
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return png(size, out);
}

for (const { dir, colour } of targets) {
  const folder = join(publicDir, dir);
  mkdirSync(folder, { recursive: true });
  for (const size of [192, 512]) {
    writeFileSync(join(folder, `icon-${size}.png`), draw(size, colour, false));
    writeFileSync(join(folder, `maskable-${size}.png`), draw(size, colour, true));
  }
  writeFileSync(join(folder, 'apple-touch-icon.png'), draw(180, colour, true));
}
console.log('icons written under public/');
