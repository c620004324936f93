using System.Buffers.Binary;

namespace Lumenfall.Sdk.IntegrationTests;

/// <summary>Reads the dimensions a PNG or JPEG declares, proving the emulator's images are real files.</summary>
internal static class ImageAssertions
{
    public static (string Format, int Width, int Height) Describe(byte[] bytes)
    {
        if (bytes.Length > 24 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G')
        {
            return ("png", BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }

        if (bytes.Length > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[^2] == 0xFF && bytes[^1] == 0xD9)
        {
            for (int i = 2; i + 9 < bytes.Length;)
            {
                int length = (bytes[i + 2] << 8) | bytes[i + 3];
                if (bytes[i + 1] == 0xC0)
                {
                    return ("jpeg", (bytes[i + 7] << 8) | bytes[i + 8], (bytes[i + 5] << 8) | bytes[i + 6]);
                }

                i += 2 + length;
            }
        }

        throw new InvalidDataException("Not a PNG or JPEG file.");
    }

    public static async Task<(string Format, int Width, int Height)> DescribeAsync(GeneratedImage image)
    {
        await using Stream stream = await image.OpenReadAsync();
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return Describe(buffer.ToArray());
    }
}
