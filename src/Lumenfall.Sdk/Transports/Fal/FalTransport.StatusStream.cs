using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Following a queued job through fal's server-sent status stream (polling takes over when it drops).</summary>
internal sealed partial class FalTransport
{
    public IAsyncEnumerable<OperationSnapshot>? StreamStatus(OperationState state, RequestOptions? options, CancellationToken cancellationToken) =>
        ReadStatusStreamAsync(state, options, cancellationToken);

    private async IAsyncEnumerable<OperationSnapshot> ReadStatusStreamAsync(OperationState state, RequestOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, QueueUrl(state, "/status/stream" + (_options.IncludeLogs ? "?logs=1" : string.Empty)));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using HttpResponseMessage response = await _channel.OpenAsync(message, CallPurpose.Read, options, cancellationToken).ConfigureAwait(false);
        Stream stream = await ResponseBody.OpenAsync(response.Content, _channel.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var data = new StringBuilder();
            while (true)
            {
                string? line;
                using (var idle = new CancellationTokenSource(StreamIdleTimeout, _channel.Time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                }

                if (line is null)
                {
                    yield break;   // the stream ended; the operation falls back to polling if it is not finished
                }

                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        FalQueueStatus status = JsonSerializer.Deserialize(data.ToString(), SdkJsonContext.Default.FalQueueStatus)
                            ?? throw new JsonException("An empty status event.");
                        data.Clear();
                        yield return ToSnapshot(status, null);
                    }

                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(line.AsSpan(5).TrimStart(' '));
                    if (data.Length > MaxStreamEvent)
                    {
                        throw new LumenfallUnexpectedResponseException($"A fal status event is longer than {MaxStreamEvent:N0} characters.") { Service = Service };
                    }
                }

                // Comments (": ping"), "event:", "id:" and "retry:" lines carry nothing the SDK needs.
            }
        }
    }
}
