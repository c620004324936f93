namespace Lumenfall.Sdk;

/// <summary>
/// How failed calls are retried: exponential backoff with jitter, <c>Retry-After</c> honoured up to a cap. Reads,
/// polls, cancels and downloads retry on 408, 429, 5xx and network errors; a billable POST (generation, edit,
/// submit) only when it provably was not processed (connection refused, 429, or 503 with Retry-After).
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets the most retries after the first attempt (default 3; 0 turns retries off).</summary>
    public int MaxRetries { get; set { ThrowIfFrozen(); field = value; } } = 3;

    /// <summary>Gets or sets the first backoff delay (default 1 second), doubled per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff delay (default 30 seconds).</summary>
    public TimeSpan MaxDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> the SDK waits (default 60 seconds). A service asking for more
    /// gets no retry: the call fails with <see cref="LumenfallRateLimitException"/> carrying the wait.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(60);

    internal void Validate(string prefix, List<string> problems)
    {
        if (MaxRetries < 0)
        {
            problems.Add($"{prefix}:MaxRetries must be 0 or more (was {MaxRetries}).");
        }

        if (MaxRetries > 100)
        {
            problems.Add($"{prefix}:MaxRetries must be at most 100 (was {MaxRetries}).");
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || MaxDelay > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix} needs 0 < BaseDelay <= MaxDelay <= {LumenfallOptions.MaxWait} (was {BaseDelay} and {MaxDelay}).");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > LumenfallOptions.MaxWait)
        {
            problems.Add($"{prefix}:MaxRetryAfter must be between 0 and {LumenfallOptions.MaxWait} (was {MaxRetryAfter}).");
        }
    }

    private bool _frozen;

    internal void CopyTo(RetryOptions target)
    {
        target.MaxRetries = MaxRetries;
        target.BaseDelay = BaseDelay;
        target.MaxDelay = MaxDelay;
        target.MaxRetryAfter = MaxRetryAfter;
    }

    internal void Freeze() => _frozen = true;

    private void ThrowIfFrozen() => FrozenOptions.ThrowIf(_frozen);
}
