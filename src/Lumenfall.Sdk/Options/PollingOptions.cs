namespace Lumenfall.Sdk;

/// <summary>
/// How often a client polls an operation. The default schedule waits 0.5 s, then doubles each wait up to 5 s
/// (0.5, 1, 2, 4, 5, 5, … s): a job that finishes is seen at most one wait later, and a job of duration T costs at
/// most ⌈T / 5 s⌉ + 3 status requests.
/// </summary>
public sealed class PollingOptions
{
    /// <summary>Creates the default schedule (each service's settings hold one; nothing takes one you build).</summary>
    internal PollingOptions()
    {
    }

    /// <summary>Gets or sets the first wait between polls.</summary>
    public TimeSpan InitialInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest wait between polls.</summary>
    public TimeSpan MaxInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how much each wait grows over the last (default 2; 1 keeps it constant).</summary>
    public double BackoffMultiplier { get; set { ThrowIfFrozen(); field = value; } } = 2;

    /// <summary>
    /// Gets or sets how often a job submitted with a webhook (<see cref="FalSubmitOptions.WebhookUrl"/>) is polled while
    /// its operation waits in this process for the delivery (<see cref="FalWebhooks"/>): a slow fallback, so a lost
    /// webhook never hangs a caller (default 60 seconds).
    /// </summary>
    public TimeSpan WebhookFallbackInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the most time <see cref="ImageClient.GenerateAsync"/> waits for a queued job (default 30 minutes).</summary>
    public TimeSpan OperationTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(30);

    /// <summary>The wait before poll number <paramref name="attempt"/> (0 is the first), at least what the service asked for.</summary>
    internal TimeSpan Interval(int attempt, TimeSpan? retryAfter)
    {
        double ms = InitialInterval.TotalMilliseconds * Math.Pow(Math.Max(1, BackoffMultiplier), Math.Min(attempt, 64));
        TimeSpan interval = TimeSpan.FromMilliseconds(Math.Round(Math.Min(ms, MaxInterval.TotalMilliseconds)));
        return retryAfter is TimeSpan asked && asked > interval ? asked : interval;
    }

    private bool _frozen;

    internal void CopyTo(PollingOptions target)
    {
        target.InitialInterval = InitialInterval;
        target.MaxInterval = MaxInterval;
        target.BackoffMultiplier = BackoffMultiplier;
        target.OperationTimeout = OperationTimeout;
        target.WebhookFallbackInterval = WebhookFallbackInterval;
    }

    internal void Freeze() => _frozen = true;

    private void ThrowIfFrozen() => FrozenOptions.ThrowIf(_frozen);
}
