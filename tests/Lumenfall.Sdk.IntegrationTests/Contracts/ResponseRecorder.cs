using System.Collections.Concurrent;
using System.Net;

namespace Lumenfall.Sdk.IntegrationTests.Contracts;

/// <summary>One reply exactly as the emulator sent it.</summary>
public sealed record RecordedResponse(HttpMethod Method, string Path, HttpStatusCode Status, string? MediaType, string Body)
{
    public override string ToString() => $"{Method} {Path} -> {(int)Status}";
}

/// <summary>
/// The innermost handler of a client under test, in front of the real socket handler: it buffers every JSON or
/// event-stream reply and records its raw text before the SDK reads it (the SDK then reads the same buffered bytes).
/// </summary>
public sealed class ResponseRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedResponse> _responses = new();

    public ResponseRecorder()
        : base(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
    }

    public IReadOnlyList<RecordedResponse> Responses => [.. _responses];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType is "application/json" or "text/event-stream")
        {
            // The emulator ends a status stream once the job completes, so buffering a stream ends too.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            _responses.Enqueue(new RecordedResponse(request.Method, request.RequestUri!.AbsolutePath, response.StatusCode, response.Content.Headers.ContentType.MediaType, body));
        }

        return response;
    }
}
