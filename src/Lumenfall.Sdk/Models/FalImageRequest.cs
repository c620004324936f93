using System.Text.Json.Serialization;

namespace Lumenfall.Sdk;

/// <summary>A request for a model on fal.ai.</summary>
public abstract record FalImageRequest : ImageRequest
{
    private protected FalImageRequest()
    {
    }

    /// <summary>Copies a request for <c>with</c>: the copy gets its own <see cref="Submit"/> settings.</summary>
    /// <param name="original">The request copied.</param>
    protected FalImageRequest(FalImageRequest original)
        : base(original)
    {
        Submit = original.Submit is null ? null : original.Submit with { };
    }

    /// <inheritdoc />
    [JsonIgnore]
    public sealed override ImageService Service => ImageService.Fal;

    /// <summary>Gets or sets queue settings for this request (start timeout, priority, runner hint, no-retry, webhook, mode).</summary>
    [JsonIgnore]
    public FalSubmitOptions? Submit { get; set; }

    /// <inheritdoc />
    private protected override void ValidateCommon(RequestValidator validator)
    {
        if (Submit?.StartTimeout is TimeSpan start && start <= TimeSpan.FromSeconds(1))
        {
            validator.Add("x-fal-request-timeout", ValidationRule.Minimum, $"the start timeout must be more than 1 second (was {start})");
        }

        if (Submit?.Priority is FalQueuePriority priority && priority.Value is not ("normal" or "low"))
        {
            validator.Add("x-fal-queue-priority", ValidationRule.AllowedValues, $"must be one of normal, low (was '{priority.Value}')");
        }

        if (Submit?.WebhookUrl is Uri webhook && (!webhook.IsAbsoluteUri || webhook.Scheme is not ("http" or "https") || webhook.OriginalString.Any(char.IsControl)))
        {
            validator.Add("fal_webhook", ValidationRule.UrlRequired, $"must be an absolute http(s) URL without control characters (was '{webhook}')");
        }

        validator.HeaderValue("x-fal-runner-hint", Submit?.RunnerHint);
        validator.HeaderValue("x-fal-queue-priority", Submit?.Priority?.Value);
    }
}
