using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>Per-request settings for fal, sent as queue headers and query parameters rather than in the body.</summary>
public sealed record FalSubmitOptions
{
    /// <summary>
    /// Gets or sets the most time the job may wait before it starts (queue wait, platform retries, routing), as
    /// <c>x-fal-request-timeout</c>; more than one second. A job that does not start in time fails with a 504 that
    /// the SDK never retries.
    /// </summary>
    public TimeSpan? StartTimeout { get; set; }

    /// <summary>Gets or sets the queue priority (<c>x-fal-queue-priority</c>): <c>normal</c> or <c>low</c>.</summary>
    public FalQueuePriority? Priority { get; set; }

    /// <summary>Gets or sets a hint for which runner should take the job (<c>x-fal-runner-hint</c>).</summary>
    public string? RunnerHint { get; set; }

    /// <summary>Gets or sets whether fal must not retry the job on its side (<c>x-fal-no-retry</c>).</summary>
    public bool NoRetry { get; set; }

    /// <summary>Gets or sets a URL fal calls when the job finishes (<c>?fal_webhook=</c>; queue only).</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Gets or sets how this request runs; null uses <see cref="FalServiceOptions.Mode"/>.</summary>
    public FalExecutionMode? Mode { get; set; }
}
