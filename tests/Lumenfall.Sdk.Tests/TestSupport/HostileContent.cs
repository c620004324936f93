using System.Net;
using System.Text;

namespace Lumenfall.Sdk.Tests.TestSupport;

/// <summary>Response bodies a misbehaving server or network produces.</summary>
internal static class HostileContent
{
    /// <summary>A 200 that declares <paramref name="declared"/> bytes, sends the first <paramref name="sent"/> of <paramref name="body"/>, then breaks.</summary>
    public static HttpResponseMessage CutShort(string body, int sent, long declared = 500, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        var content = new StreamContent(new BreakingStream(bytes.AsMemory(0, Math.Min(sent, bytes.Length)).ToArray()));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = declared;
        var response = new HttpResponseMessage(status) { Content = content };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>A 200 whose body is raw bytes (for invalid UTF-8).</summary>
    public static HttpResponseMessage Bytes(HttpStatusCode status, byte[] body, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(mediaType);
        return new HttpResponseMessage(status) { Content = content };
    }

    /// <summary>Reads what it was given, then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] prefix) : ForwardOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            if (Consumed >= prefix.Length)
            {
                throw new IOException("The connection was reset by the peer.");
            }

            int n = Math.Min(buffer.Length, prefix.Length - Consumed);
            prefix.AsSpan(Consumed, n).CopyTo(buffer);
            Consumed += n;
            return n;
        }
    }
}
