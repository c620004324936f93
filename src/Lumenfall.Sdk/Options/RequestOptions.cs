using Lumenfall.Sdk.Http;

namespace Lumenfall.Sdk;

/// <summary>
/// Settings for one call, over the client's: extra headers, a timeout, a retry policy and a validation level. Pass
/// it to any <see cref="ImageClient"/> method; it applies to every HTTP request that call makes (for
/// <see cref="ImageClient.GenerateAsync"/> on a queued service, the
/// submit and every status poll and result fetch of the wait; for
/// <see cref="ImageClient.StartAsync"/>, the submit and every later
/// update, wait and cancel of the operation it returns). It is checked and copied when the call starts and travels
/// with the call itself: work the call's code starts elsewhere (a progress callback, a handler, another client call)
/// never inherits it. An operation rebuilt with <see cref="ImageClient.ResumeOperation(string)"/> has none.
/// </summary>
public sealed class RequestOptions
{
    private static readonly string[] ReservedHeaders =
        ["Authorization", "Host", "Transfer-Encoding", "Connection", "TE", "Trailer", "Upgrade", "Keep-Alive", "Expect", ServiceChannel.ClientRequestIdHeader, "Cookie"];

    /// <summary>
    /// Gets extra headers sent with every request of the call to the service's own hosts (never to a redirect, upload or
    /// download elsewhere), for example a tracing header your gateway needs. <c>Authorization</c>, <c>Host</c>,
    /// <c>Content-*</c>, <c>Proxy-*</c>, hop-by-hop headers, <c>Cookie</c> and <c>X-Client-Request-Id</c> are refused.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the timeout of each HTTP request of the call, instead of the service's <see cref="ServiceOptions.GenerationTimeout"/>
    /// or <see cref="ServiceOptions.RequestTimeout"/>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever. The
    /// whole wait for a queued job stays bounded by <see cref="PollingOptions.OperationTimeout"/> (or your token).
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets how the call's requests are retried, instead of the service's <see cref="ServiceOptions.Retry"/> (a billable POST is still only retried when it provably was not processed).</summary>
    public RetryOptions? Retry { get; set; }

    /// <summary>Gets or sets how strictly the call's request is checked, over <see cref="ImageRequest.Validation"/> and <see cref="LumenfallOptions.Validation"/>.</summary>
    public ValidationLevel? Validation { get; set; }

    /// <summary>
    /// Gets or sets the <c>X-Client-Request-Id</c> every request of the call carries (default: a new id per request), so
    /// that you can record it before a billable call goes out, as a batch journal does. 1 to 128 printable ASCII characters.
    /// </summary>
    public string? ClientRequestId { get; set; }

    /// <summary>
    /// Gets or sets a file for each image the service sends inline (base64), by the image's index: the image is decoded
    /// from the response straight into that file as it arrives, never held in memory, and the result's image reads
    /// from the file (<see cref="GeneratedImage.FilePath"/>). Images sent as URLs are not downloaded; stream them with
    /// <see cref="GeneratedImage.CopyToAsync"/>. Null (the default) keeps inline images in memory.
    /// </summary>
    public Func<int, string>? InlineImageFile { get; set; }

    /// <summary>The frozen copy's headers, for the handlers.</summary>
    internal IReadOnlyDictionary<string, string> HeaderSnapshot => (IReadOnlyDictionary<string, string>)Headers;

    /// <summary>A validated, frozen copy: what a call carries.</summary>
    /// <exception cref="LumenfallValidationException">A header, the timeout or the retry settings are not usable; nothing was sent.</exception>
    internal RequestOptions Checked()
    {
        var errors = new List<ValidationError>();
        foreach ((string name, string value) in Headers)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c > '~' || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
            {
                errors.Add(new ValidationError($"headers[{name}]", ValidationRule.HeaderValue, "a header name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"));
            }
            else if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
                || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new ValidationError($"headers[{name}]", ValidationRule.ReservedParameter, "is set by the SDK and cannot be replaced"));
            }
            else if (value is null || value.Any(c => c is < ' ' or > '~'))
            {
                errors.Add(new ValidationError($"headers[{name}]", ValidationRule.HeaderValue, "must be printable ASCII without CR, LF or other control characters"));
            }
        }

        if (ClientRequestId is not null && (ClientRequestId.Length is 0 or > 128 || ClientRequestId.Any(c => c is <= ' ' or > '~')))
        {
            errors.Add(new ValidationError("ClientRequestId", ValidationRule.HeaderValue, "must be 1 to 128 printable ASCII characters without spaces"));
        }

        var problems = new List<string>();
        if (Timeout is TimeSpan timeout)
        {
            LumenfallOptions.CheckTimeout("Timeout", timeout, problems);
        }

        Retry?.Validate("Retry", problems);
        if (Validation is ValidationLevel level && !Enum.IsDefined(level))
        {
            problems.Add($"Validation must be Strict, Lenient or None (was {level}).");
        }

        errors.AddRange(problems.Select(p => new ValidationError(p.Split(' ')[0], ValidationRule.Maximum, p)));
        if (errors.Count > 0)
        {
            throw new LumenfallValidationException(errors);
        }

        var copy = new RequestOptions { Timeout = Timeout, Validation = Validation, ClientRequestId = ClientRequestId, InlineImageFile = InlineImageFile };
        if (Retry is not null)
        {
            copy.Retry = new RetryOptions();
            Retry.CopyTo(copy.Retry);
            copy.Retry.Freeze();
        }

        foreach ((string name, string value) in Headers)
        {
            copy.Headers[name] = value;
        }

        return copy;
    }
}
