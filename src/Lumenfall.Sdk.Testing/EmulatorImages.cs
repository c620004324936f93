using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lumenfall.Sdk.Testing;

/// <summary>
/// Real, decodable images for the emulator: a PNG (RGB gradient) or a baseline JPEG (grayscale, one flat tone per
/// 8×8 block), both determined by the prompt and seed and sized as asked.
/// </summary>
public static class EmulatorImages
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    // The standard JPEG luminance DC table (ITU T.81 Annex K.3) and a one-symbol AC table holding only end-of-block.
    private static readonly byte[] DcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcValues = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static readonly byte[] AcBits = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AcValues = [0x00];

    /// <summary>A stable 64-bit seed from a prompt and a seed value.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="seed">The request's seed, if any.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(string prompt, long? seed)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes($"{prompt}|{seed}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Encodes a PNG of the given size whose colours follow from <paramref name="hash"/>.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="hash">From <see cref="Hash"/>.</param>
    /// <returns>The PNG file.</returns>
    public static byte[] Png(int width, int height, ulong hash)
    {
        byte[] raw = new byte[height * ((width * 3) + 1)];
        int i = 0;
        for (int y = 0; y < height; y++)
        {
            raw[i++] = 0; // filter: none
            for (int x = 0; x < width; x++)
            {
                raw[i++] = (byte)((x * 255 / Math.Max(1, width - 1)) ^ (byte)hash);
                raw[i++] = (byte)((y * 255 / Math.Max(1, height - 1)) ^ (byte)(hash >> 8));
                raw[i++] = (byte)Math.Min(255, ((x + y) * 127 / Math.Max(1, width + height - 2)) + (byte)(hash >> 16 & 0x7F));
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Encodes a baseline grayscale JPEG of the given size whose tones follow from <paramref name="hash"/>.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="hash">From <see cref="Hash"/>.</param>
    /// <returns>The JPEG file.</returns>
    public static byte[] Jpeg(int width, int height, ulong hash)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        Segment(jpeg, 0xE0, [.. "JFIF"u8, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        byte[] quant = new byte[65];
        quant.AsSpan(1).Fill(1);
        Segment(jpeg, 0xDB, quant);
        Segment(jpeg, 0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        Segment(jpeg, 0xC4, [0x00, .. DcBits, .. DcValues]);
        Segment(jpeg, 0xC4, [0x10, .. AcBits, .. AcValues]);
        Segment(jpeg, 0xDA, [1, 1, 0x00, 0, 63, 0]);

        (int Code, int Length)[] dcCodes = Codes(DcBits, DcValues);
        var bits = new BitWriter(jpeg);
        int blocksX = (width + 7) / 8, blocksY = (height + 7) / 8, previous = 0;
        for (int by = 0; by < blocksY; by++)
        {
            for (int bx = 0; bx < blocksX; bx++)
            {
                int tone = Math.Min(255, ((bx * 255 / Math.Max(1, blocksX - 1)) + (by * 255 / Math.Max(1, blocksY - 1)) + (int)(hash % 97)) / 2);
                int dc = 8 * (tone - 128);
                int diff = dc - previous;
                previous = dc;
                int category = diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));
                bits.Write(dcCodes[category].Code, dcCodes[category].Length);
                if (category > 0)
                {
                    bits.Write(diff < 0 ? diff + (1 << category) - 1 : diff, category);
                }

                bits.Write(0, 1); // AC: end of block
            }
        }

        bits.Flush();
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static (int Code, int Length)[] Codes(byte[] bits, byte[] values)
    {
        var table = new (int Code, int Length)[256];
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int n = 0; n < bits[length - 1]; n++)
            {
                table[values[k++]] = (code++, length);
            }

            code <<= 1;
        }

        return table;
    }

    private static void Segment(Stream stream, byte marker, byte[] payload)
    {
        stream.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        stream.Write(payload);
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in typeBytes.Concat(data))
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc ^ 0xFFFFFFFF);
        png.Write(crcBytes);
    }

    private static uint[] BuildCrcTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    /// <summary>Writes JPEG entropy-coded bits, stuffing a zero after every 0xFF byte.</summary>
    private sealed class BitWriter(Stream stream)
    {
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            stream.WriteByte((byte)_buffer);
            if (_buffer == 0xFF)
            {
                stream.WriteByte(0);
            }

            _buffer = 0;
            _count = 0;
        }
    }
}
