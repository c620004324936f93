namespace Lumenfall.Sdk;

/// <summary>
/// How strictly a request is checked before it is sent. Set it for a client with
/// <see cref="LumenfallOptions.Validation"/>, or for one request with <see cref="ImageRequest.Validation"/>.
/// </summary>
public enum ValidationLevel
{
    /// <summary>Every rule of the model's schema (the default): what the SDK does not know is refused before sending.</summary>
    Strict,

    /// <summary>
    /// For a service that is ahead of the SDK: values the schema does not list, numbers out of range, unlisted sizes,
    /// item counts above a limit, and <c>AdditionalProperties</c> that replace a typed parameter are logged as
    /// warnings and sent as given. Structural faults are still refused: missing required parameters, NaN and
    /// infinities, wrong image kinds and media types, local images where only URLs go, header or path injection.
    /// </summary>
    Lenient,

    /// <summary>
    /// Only what would make the request unsendable or unsafe is refused: NaN and infinities, local images where only
    /// URLs go, header values and URLs, model or app ids that could change a path, null list items, names the SDK fills
    /// in itself. Checks that need an image's bytes still run when the request is sent.
    /// </summary>
    None,
}
