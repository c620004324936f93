using System.Net;

namespace Lumenfall.Sdk;

/// <summary>Settings for one service: its API key and endpoint.</summary>
public class ServiceOptions
{
    /// <summary>Creates settings with a default endpoint.</summary>
    /// <param name="endpoint">The service's base URL.</param>
    internal ServiceOptions(Uri endpoint) => Endpoint = endpoint;

    private bool _frozen;

    /// <summary>Gets or sets the API key. Never printed by <see cref="ToString"/>, logs or exceptions.</summary>
    public string? ApiKey { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Gets or sets the service's base URL.</summary>
    public Uri Endpoint { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// Gets or sets how long a synchronous generation or edit may take, response body included (default 10
    /// minutes: GPT Image 2's p95 is about 143 s and slow models take several minutes). Enforced by the SDK,
    /// not by <see cref="HttpClient.Timeout"/>. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan GenerationTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long a read (models, status polls, results, cancels) may take (default 60 seconds).</summary>
    public TimeSpan RequestTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long-running operations are polled (fal queue, OmniRouters async tasks).</summary>
    public PollingOptions Polling { get; } = new();

    /// <summary>Gets how failed calls are retried (a billable POST only when it provably was not processed).</summary>
    public RetryOptions Retry { get; } = new();

    /// <summary>The base URLs this service's key may be sent to.</summary>
    internal virtual IReadOnlyList<Uri> Endpoints => [Endpoint];

    /// <inheritdoc />
    public override string ToString() => $"Endpoint = {Endpoint}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "***")}";

    internal void Validate(string prefix, List<string> problems)
    {
        if (ApiKey is not null && ApiKey.Any(c => c is < ' ' or > '~'))
        {
            problems.Add($"{prefix}:ApiKey holds a line break, a control or a non-ASCII character; it is sent as a header (check for a trailing newline).");
        }

        foreach ((string name, Uri? endpoint) in EndpointSettings)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri)
            {
                problems.Add($"{prefix}:{name} must be an absolute URL (was '{endpoint}').");
            }
            else if (endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
            {
                problems.Add($"{prefix}:{name} uses http:// for {endpoint.Host}; only loopback addresses may use http, use https.");
            }
            else if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{prefix}:{name} must be an http(s) URL (was '{endpoint}').");
            }
        }

        LumenfallOptions.CheckTimeout($"{prefix}:GenerationTimeout", GenerationTimeout, problems);
        LumenfallOptions.CheckTimeout($"{prefix}:RequestTimeout", RequestTimeout, problems);
        LumenfallOptions.CheckTimeout($"{prefix}:Polling:OperationTimeout", Polling.OperationTimeout, problems);
        LumenfallOptions.CheckTimeout($"{prefix}:Polling:WebhookFallbackInterval", Polling.WebhookFallbackInterval, problems);
        if (Polling.InitialInterval <= TimeSpan.Zero || Polling.MaxInterval < Polling.InitialInterval || Polling.MaxInterval > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix}:Polling needs 0 < InitialInterval <= MaxInterval <= {LumenfallOptions.MaxWait} (was {Polling.InitialInterval} and {Polling.MaxInterval}).");
        }

        if (!(Polling.BackoffMultiplier >= 1 && double.IsFinite(Polling.BackoffMultiplier)))
        {
            problems.Add($"{prefix}:Polling:BackoffMultiplier must be a finite number of at least 1 (was {Polling.BackoffMultiplier}).");
        }

        Retry.Validate($"{prefix}:Retry", problems);
    }

    /// <summary>Each endpoint setting by its configuration name.</summary>
    private protected virtual IEnumerable<(string Name, Uri? Endpoint)> EndpointSettings => [(nameof(Endpoint), Endpoint)];

    /// <summary>Whether a URL's host is a loopback address (or <c>localhost</c>).</summary>
    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    /// <summary>Copies every setting into <paramref name="target"/> (a deep copy of the nested blocks).</summary>
    internal virtual void CopyTo(ServiceOptions target)
    {
        target.ApiKey = ApiKey;
        target.Endpoint = Endpoint;
        target.GenerationTimeout = GenerationTimeout;
        target.RequestTimeout = RequestTimeout;
        Polling.CopyTo(target.Polling);
        Retry.CopyTo(target.Retry);
    }

    /// <summary>Makes these settings read-only.</summary>
    internal virtual void Freeze()
    {
        _frozen = true;
        Polling.Freeze();
        Retry.Freeze();
    }

    /// <summary>Refuses a change once the settings belong to a client.</summary>
    private protected void ThrowIfFrozen() => FrozenOptions.ThrowIf(_frozen);
}
