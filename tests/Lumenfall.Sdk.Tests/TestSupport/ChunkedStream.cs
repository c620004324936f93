namespace Lumenfall.Sdk.Tests.TestSupport;

/// <summary>A forward-only stream that hands out at most <paramref name="chunk"/> bytes per read, like a network body.</summary>
internal sealed class ChunkedStream(byte[] content, int chunk = int.MaxValue) : ForwardOnlyStream
{
    public int Reads { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        int n = Math.Min(Math.Min(buffer.Length, chunk), content.Length - Consumed);
        content.AsSpan(Consumed, n).CopyTo(buffer);
        Consumed += n;
        return n;
    }
}
