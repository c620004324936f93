using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lumenfall.Sdk.Http;

/// <summary>Reads JSON response bodies from the stream (never as one string), within the response size cap.</summary>
internal static class ResponseBody
{
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, long maxBytes, CancellationToken cancellationToken)
    {
        Stream stream = await OpenAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            T? value = await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false);
            return value ?? throw new JsonException("The response body is JSON null.");
        }
    }

    /// <summary>Opens a body for reading; it fails once more than <paramref name="maxBytes"/> arrive (or are declared).</summary>
    public static async Task<Stream> OpenAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        return new LimitedReadStream(await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), maxBytes);
    }

    public static LumenfallException TooLarge(long maxBytes) =>
        new($"The response is larger than the {maxBytes:N0}-byte limit; raise LumenfallOptions.MaxResponseBytes to accept it.");

    /// <summary>A read-only view of a stream that fails once more than a set number of bytes has been read.</summary>
    private sealed class LimitedReadStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]   // no allocation per pending read
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > maxBytes ? throw TooLarge(maxBytes) : read;
        }
    }
}
