using System.Text.Json;
using System.Text.Json.Serialization;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk;

/// <summary>
/// Everything needed to find an operation again: what the rehydration token carries (the service, the model and the
/// job's id; no URL, never a key).
/// </summary>
internal sealed record OperationState
{
    private const string Prefix = "lmfop1.";

    [JsonPropertyName("service")]
    [JsonConverter(typeof(JsonStringEnumConverter<ImageService>))]
    public required ImageService Service { get; init; }

    [JsonPropertyName("model")]
    public required string ModelId { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Whether the job was started untyped (<see cref="FalAppRequest"/>): its output may hold no images.</summary>
    [JsonPropertyName("untyped")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Untyped { get; init; }

    /// <summary>
    /// Whether the job was submitted with a webhook: this process's operation then polls only as a slow fallback
    /// (<see cref="PollingOptions.WebhookFallbackInterval"/>). Not in the token: another process polls as usual.
    /// </summary>
    [JsonIgnore]
    public bool Webhook { get; init; }

    /// <summary>
    /// Whether the ids can go into URL paths unchanged in meaning (no <c>..</c> segments, no control characters): a
    /// token is input like any other. It holds no URLs: every request for the operation goes to a URL the SDK builds
    /// from the client's configured endpoint and these ids, so a token cannot aim a keyed request anywhere else.
    /// Tokens written by earlier versions may still carry URL fields; they are ignored.
    /// </summary>
    private bool IsSafe => ServerUrls.IsSafeSegment(Id) && ServerUrls.EscapePath(ModelId) is not null;

    /// <summary>The token: a versioned, URL-safe base64 of this record's JSON.</summary>
    public string ToToken() =>
        Prefix + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, SdkJsonContext.Default.OperationState))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads a token made by <see cref="ToToken"/>.</summary>
    /// <param name="rehydrationToken">The token, as <see cref="ImageClient.ResumeOperation(string)"/> takes it (exceptions name this parameter).</param>
    /// <exception cref="ArgumentException">The text is not a rehydration token of this SDK.</exception>
    public static OperationState FromToken(string rehydrationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rehydrationToken);
        string token = rehydrationToken;
        try
        {
            if (!token.StartsWith(Prefix, StringComparison.Ordinal))
            {
                throw new FormatException("missing prefix");
            }

            string base64 = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            OperationState? state = JsonSerializer.Deserialize(Convert.FromBase64String(base64), SdkJsonContext.Default.OperationState);
            return state is { Id.Length: > 0, ModelId.Length: > 0 } && state.IsSafe ? state : throw new FormatException("empty or unsafe state");
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new ArgumentException("The text is not a rehydration token of Lumenfall.Sdk (it should start with 'lmfop1.').", nameof(rehydrationToken), ex);
        }
    }
}

/// <summary>What one look at an operation showed.</summary>
internal sealed record OperationSnapshot(
    ImageOperationStatus Status,
    string? RawStatus,
    int? QueuePosition = null,
    IReadOnlyList<OperationLog>? Logs = null,
    ErrorBody? Error = null,
    TimeSpan? RetryAfter = null,
    ImageGenerationResult? Result = null)
{
    /// <summary>Gets the service's metrics, when the look carried some (fal's <c>metrics</c>).</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>One service's way of looking after an operation: status, result, cancel, and optionally a status stream.</summary>
internal interface IOperationProtocol
{
    ImageService Service { get; }

    PollingOptions Polling { get; }

    /// <summary>The longest wait a service may impose between polls (the retry handler's <see cref="RetryOptions.MaxRetryAfter"/>).</summary>
    TimeSpan MaxRetryAfter { get; }

    // options: the settings of the call that started the operation (checked), or null.
    Task<OperationSnapshot> GetStatusAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken);

    Task<ImageGenerationResult> GetResultAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken);

    Task<CancelOutcome> CancelAsync(OperationState state, RequestOptions? options, CancellationToken cancellationToken);

    /// <summary>A server-pushed stream of snapshots, or null to poll.</summary>
    IAsyncEnumerable<OperationSnapshot>? StreamStatus(OperationState state, RequestOptions? options, CancellationToken cancellationToken);

    /// <summary>What a (verified) webhook delivery says of the operation, or null when this service has no webhooks or the delivery says nothing usable.</summary>
    OperationSnapshot? FromWebhook(OperationState state, FalWebhookDelivery delivery) => null;
}
