using System.Buffers.Binary;

namespace Lumenfall.Sdk.Benchmarks;

/// <summary>
/// The canned images, generated deterministically at startup: a PNG signature and IHDR chunk (so every client's
/// media-type detection sees a PNG) followed by pseudo-random bytes (xorshift32 from a fixed seed). Same size and
/// seed, same bytes, in every process.
/// </summary>
internal static class Payloads
{
    /// <summary>1 MiB: the small base64 result and each edit input.</summary>
    public const int OneMiB = 1 << 20;

    /// <summary>16 MiB: the large base64 result.</summary>
    public const int SixteenMiB = 16 << 20;

    /// <summary>The seed of the base64 results (any size).</summary>
    public const uint ResultSeed = 0x1234_5678;

    /// <summary>The seeds of the two edit inputs.</summary>
    public const uint EditSeedA = 0xA11C_E001;

    public const uint EditSeedB = 0xB0B0_0002;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A PNG-prefixed blob of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Image(int size, uint seed)
    {
        byte[] bytes = new byte[size];
        Fill(bytes, seed);
        return bytes;
    }

    /// <summary>Writes the blob of <paramref name="destination"/>'s length into it.</summary>
    public static void Fill(Span<byte> destination, uint seed)
    {
        if (destination.Length < 33)
        {
            throw new ArgumentException("An image needs at least the signature and the IHDR chunk.", nameof(destination));
        }

        PngSignature.CopyTo(destination);
        Span<byte> ihdr = destination.Slice(8, 25);                 // length, "IHDR", 13 bytes of data, CRC
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 13);
        "IHDR"u8.CopyTo(ihdr[4..]);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[8..], 2048);     // width
        BinaryPrimitives.WriteInt32BigEndian(ihdr[12..], 2048);    // height
        ihdr[16] = 8;                                               // bit depth
        ihdr[17] = 6;                                               // RGBA
        ihdr[18] = ihdr[19] = ihdr[20] = 0;                         // compression, filter, interlace
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[21..], Crc32(ihdr[4..21]));

        uint state = seed == 0 ? 1u : seed;
        Span<byte> rest = destination[33..];
        for (int i = 0; i < rest.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            rest[i] = (byte)state;
        }
    }

    /// <summary>The PNG chunk CRC (CRC-32, polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}

/// <summary>The prompts that select each canned case on the server; every client sends the same ones.</summary>
internal static class Prompts
{
    public const string Url = "bench: url result";
    public const string Base64Small = "bench: base64 1 MiB";
    public const string Base64Large = "bench: base64 16 MiB";
    public const string Edit = "bench: edit with two 1 MiB images";
    public const string Fal = "bench: fal queue lifecycle";

    /// <summary>The API key every client sends and the server expects.</summary>
    public const string ApiKey = "bench-key";

    /// <summary>The model name the OpenAI-style clients send (the SDK's record sends the same).</summary>
    public const string Model = "gpt-image-2";
}
