using System.Buffers;
using System.Text.Json;

namespace Lumenfall.Sdk.Serialization;

/// <summary>
/// Writes one small JSON object (a request body) with a writer and buffer kept per thread, as System.Text.Json's own
/// serializer does: the only allocation is the finished array.
/// </summary>
internal static class PooledJsonWriter
{
    /// <summary>Buffers that grew past this (a very long prompt) are not kept.</summary>
    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Writes <c>{</c>, <paramref name="firstName"/>: <paramref name="firstValue"/> when given, what <paramref name="fields"/>
    /// writes, and <c>}</c>.
    /// </summary>
    /// <returns>The JSON, or null when <paramref name="fields"/> returned false (it has no writer).</returns>
    public static byte[]? Write<T>(T state, string? firstName, string? firstValue, Func<T, Utf8JsonWriter, bool> fields)
    {
        // Taken out while in use, so a nested call (none today) would get its own.
        ArrayBufferWriter<byte> buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        Utf8JsonWriter? writer = t_writer;
        t_buffer = null;
        t_writer = null;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            writer.WriteStartObject();
            if (firstName is not null)
            {
                writer.WriteString(firstName, firstValue);
            }

            if (!fields(state, writer))
            {
                return null;
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= KeepCapacity)
            {
                // The writer keeps pointing at the buffer it is kept with; the next use resets it (any state a failed
                // write left included).
                t_buffer = buffer;
                t_writer = writer;
            }
        }
    }
}
