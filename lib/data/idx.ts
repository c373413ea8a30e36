/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), plain or gzipped.
 *
 * Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only type these datasets use), a byte with the
 * number of dimensions, then each dimension as a big-endian uint32, then the data. Images: magic 0x00000803,
 * dims [N, rows, cols]; labels: magic 0x00000801, dims [N].
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** Dimensions, e.g. [60000, 28, 28] for images or [60000] for labels. */
  dims: number[];
  /** The bytes, row-major, product(dims) long (a view into the decompressed file). */
  data: Uint8Array;
}

/** Magic numbers: 0x08 (unsigned byte) in the third byte, the number of dimensions in the fourth. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

const GZIP_SIGNATURE = [0x1f, 0x8b];

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return "an IDX image file (magic 0x00000803)";
  if (magic === IDX_LABELS_MAGIC) return "an IDX label file (magic 0x00000801)";
  return `magic 0x${magic.toString(16).padStart(8, "0")}, which is not IDX unsigned-byte data`;
}

/**
 * Parse IDX bytes (already decompressed). `expectedDims` (1 for labels, 3 for images) is checked against the
 * magic number; `name` is used in errors. Throws when the header is wrong or the data is shorter than the header says.
 */
export function parseIdx(bytes: Uint8Array, expectedDims: 1 | 3, name = "IDX data"): IdxArray {
  const want = expectedDims === 3 ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const what = expectedDims === 3 ? "images" : "labels";
  if (bytes.length < 4) {
    throw new Error(`${name}: only ${bytes.length} bytes, too short for an IDX header; the file is truncated or empty`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== want) {
    throw new Error(
      `${name}: wrong magic number: expected ${describeMagic(want)} holding ${what}, found ${describeMagic(magic)}. `
      + (magic === IDX_IMAGES_MAGIC || magic === IDX_LABELS_MAGIC
        ? "The image and label files seem to be swapped or renamed."
        : "The file is corrupt or not an MNIST-style IDX file."),
    );
  }
  const headerBytes = 4 + 4 * expectedDims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated: ${bytes.length} bytes, but the IDX header alone needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < expectedDims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < count) {
    const unit = expectedDims === 3 ? dims[1] * dims[2] : 1;
    const whole = unit > 0 ? Math.floor(have / unit) : 0;
    throw new Error(
      `${name}: truncated: the header announces ${dims.join("x")} = ${count.toLocaleString("en-US")} bytes of ${what}, `
      + `but only ${have.toLocaleString("en-US")} follow (${whole} of ${dims[0]} ${what} complete).`,
    );
  }
  if (have > count) {
    throw new Error(`${name}: ${have - count} bytes after the ${dims.join("x")} ${what} the header announces; the file is not a valid IDX file`);
  }
  // A plain Uint8Array view (not a Buffer, whatever came in), so callers see one type.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, count) };
}

/**
 * Read and parse an IDX file; gzip is detected from the file's first two bytes (whatever its name). Errors name the
 * file and say whether it is missing, a cut-off gzip stream, or a bad IDX header.
 */
export function readIdxFile(file: string, expectedDims: 1 | 3): IdxArray {
  const name = path.basename(file);
  let bytes: Uint8Array = fs.readFileSync(file);
  if (bytes.length >= 2 && bytes[0] === GZIP_SIGNATURE[0] && bytes[1] === GZIP_SIGNATURE[1]) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${name}: cannot decompress (${(e as Error).message}): the gzip file is truncated or corrupt (${file})`);
    }
  }
  return parseIdx(bytes, expectedDims, name);
}
