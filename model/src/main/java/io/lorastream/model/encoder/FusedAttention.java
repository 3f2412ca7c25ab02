package io.lorastream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.lorastream.model.tensor.OwnedArrays;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Attention of packed texts through PyTorch's fused kernel, {@code scaled_dot_product_attention}.
 * On the CPU it is a flash-attention kernel: scores are computed block by block and never written
 * out as [C, N, L, L], and the softmax's exponentials are fused with its sums. Against the unfused
 * product-softmax-product of {@link EncoderMath#packedAttention} (which it must equal, see
 * FusedAttentionTest) it took 30 instead of 57 ms per layer for 32 SciFact documents here (one
 * layer's attention timed alone, best of 6 rounds of 5, both in the same process).
 *
 * <p>DJL 0.36 has no binding for the op, so it is reached through a TorchScript module, the one way
 * DJL runs arbitrary ATen ops. The module is written here as TorchScript source and packed into the
 * archive layout {@code torch.jit.load} reads (a zip with {@code version}, {@code constants.pkl},
 * {@code data.pkl} and {@code code/__torch__.py}); it has no weights. It takes the same inputs as
 * {@link EncoderMath#packedAttention} and is differentiable (the kernel has a backward, checked
 * against the reference's), but the encoder only serves through it: a training step was faster
 * through the unfused ops' backward.
 *
 * <p>Dimension letters as in {@link EncoderMath}: M packed tokens, H hidden, N heads, S = H / N, C
 * texts of one run, L their length.
 */
final class FusedAttention {

  private static final String ARCHIVE = "packed_attention";

  /**
   * {@code layout} is int64 [1 + 2R]: heads, then length and count of each of R runs (tensors, not
   * int lists, because DJL passes only tensors to a module when autograd is to record it). q comes
   * pre-scaled, so the kernel's scale is 1. For each run of C texts of length L: rows [row, row +
   * C*L) of q, k, v viewed as [C, N, L, S] (views: q, k, v may be column slices of one fused
   * projection), attended, and laid back as [C*L, H] (the kernel's output is stored [C, L, N, S],
   * so that is a view too).
   */
  private static final String SOURCE =
      """
      class PackedAttention(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.PackedAttention,
          q: Tensor,
          k: Tensor,
          v: Tensor,
          layout: Tensor) -> Tensor:
          heads = int(layout[0].item())
          h = torch.size(q, 1)
          s = h // heads
          outs = annotate(List[Tensor], [])
          row = 0
          for i in range(1, torch.size(layout, 0), 2):
            n = int(layout[i].item())
            c = int(layout[i + 1].item())
            rows = c * n
            shape = [c, n, heads, s]
            qh = torch.transpose(torch.reshape(torch.narrow(q, 0, row, rows), shape), 1, 2)
            kh = torch.transpose(torch.reshape(torch.narrow(k, 0, row, rows), shape), 1, 2)
            vh = torch.transpose(torch.reshape(torch.narrow(v, 0, row, rows), shape), 1, 2)
            o = torch.scaled_dot_product_attention(qh, kh, vh, None, 0., False, scale=1.)
            outs.append(torch.reshape(torch.transpose(o, 1, 2), [rows, h]))
            row = row + rows
          return torch.cat(outs)
      """;

  /**
   * data.pkl, the module object in pickle protocol 2 as torch's own pickler writes it: GLOBAL
   * {@code __torch__.PackedAttention}, EMPTY_TUPLE, NEWOBJ, then BUILD from the attribute dict
   * {@code {"training": False}}.
   */
  private static final byte[] DATA_PKL =
      concat(
          new byte[] {(byte) 0x80, 2, 'c'},
          ascii("__torch__\nPackedAttention\n"),
          new byte[] {'q', 0, ')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0},
          ascii("training"),
          new byte[] {(byte) 0x89, 'u', 'b', '.'});

  /** constants.pkl: an empty tuple (the source has no tensor constants). */
  private static final byte[] CONSTANTS_PKL = {(byte) 0x80, 2, ')', '.'};

  private FusedAttention() {}

  /**
   * Loads the module on {@code manager}'s device; it lives (and is freed) with that manager. The
   * handle may be shared by encoders on the same device and called from several threads.
   */
  static PtSymbolBlock load(NDManager manager) {
    try {
      return JniUtils.loadModule(
          (PtNDManager) manager, new ByteArrayInputStream(archive()), true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the fused attention module", e);
    }
  }

  /**
   * Same contract as {@link EncoderMath#packedAttention}: q [M, H] (pre-scaled: the kernel's own
   * scale is 1), k [M, H], v [M, H], lengths summing to M; returns [M, H].
   */
  static NDArray apply(
      PtSymbolBlock module, NDArray q, NDArray k, NDArray v, int[] lengths, int heads) {
    long[] runs = layout(lengths, heads);
    NDArray layout = OwnedArrays.of(q.getManager(), runs, new Shape(runs.length));
    // DJL runs a module without autograd unless told to train: with autograd recording (grad mode
    // is
    // per thread), the module must record too, or the graph would stop here
    return IValueUtils.forward(module, new NDList(q, k, v, layout), JniUtils.isGradMode())
        .singletonOrThrow(); // [M, H]
  }

  /** heads, then (length, count) of each run of adjacent texts of equal length. */
  static long[] layout(int[] lengths, int heads) {
    long[] out = new long[1 + 2 * runCount(lengths)];
    out[0] = heads;
    int at = -1;
    for (int i = 0; i < lengths.length; i++) {
      if (i > 0 && lengths[i] == lengths[i - 1]) {
        out[at + 1]++;
      } else {
        at += 2;
        out[at] = lengths[i];
        out[at + 1] = 1;
      }
    }
    return out;
  }

  private static int runCount(int[] lengths) {
    int runs = 0;
    for (int i = 0; i < lengths.length; i++) {
      runs += i == 0 || lengths[i] != lengths[i - 1] ? 1 : 0;
    }
    return runs;
  }

  /**
   * The TorchScript archive; entries stored uncompressed under one top folder as torch writes them.
   */
  static byte[] archive() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(
          zip, "version", ascii("6\n")); // a serialization format torch 2.x reads (it reads 1..10)
      stored(zip, "constants.pkl", CONSTANTS_PKL);
      stored(zip, "data.pkl", DATA_PKL);
      stored(zip, "code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry e = new ZipEntry(ARCHIVE + "/" + name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(content.length);
    e.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
