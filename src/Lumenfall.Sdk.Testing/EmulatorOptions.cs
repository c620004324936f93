namespace Lumenfall.Sdk.Testing;

/// <summary>Settings of a <see cref="LumenfallEmulator"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Gets or sets the port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets the largest image side the emulator draws (default 2048); larger requests are scaled down to fit.</summary>
    public int MaxSide { get; set; } = 2048;

    /// <summary>Gets or sets how many status polls a queued job spends queued before it runs (default 2).</summary>
    public int QueuedPolls { get; set; } = 2;

    /// <summary>Gets or sets how many status polls a job spends running before it completes (default 2).</summary>
    public int RunningPolls { get; set; } = 2;

    /// <summary>
    /// Gets or sets the clock the emulator's waits run on (an <see cref="EmulatorFault.Delay"/>); the system clock by
    /// default. A test that gives the emulator and the client the same fake clock can hold an answer for minutes of
    /// fake time (a slow generation) and release it by advancing the clock, without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long after its submit a job with a webhook (<c>?fal_webhook=</c>) finishes and is delivered (default 0).</summary>
    public TimeSpan WebhookDelay { get; set; }

    /// <summary>Gets or sets the wait between webhook delivery attempts after a non-2xx answer (default 1 s; fal spreads its 10 retries over 2 hours).</summary>
    public TimeSpan WebhookRetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}
