namespace Lumenfall.Sdk.Testing;

/// <summary>One request the emulator received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, for example <c>/lumenfall/openai/v1/images/generations</c>.</param>
/// <param name="Query">The query string, with its <c>?</c>, or empty.</param>
/// <param name="Authorization">The authorization scheme sent (<c>Bearer</c>, <c>Key</c>) or null; never the key.</param>
/// <param name="ContentType">The request's content type.</param>
/// <param name="ClientRequestId">The SDK's <c>X-Client-Request-Id</c>.</param>
public sealed record EmulatorRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string? ClientRequestId)
{
    /// <summary>Gets the JSON body as it arrived (bodies up to 1 MiB), or null for a request without a JSON body.</summary>
    public string? Json { get; init; }

    /// <summary>Gets the text fields of a multipart body by name (<c>model</c>, <c>prompt</c>, <c>size</c>); empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> FormFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the name of each file part of a multipart body, in order (<c>image[]</c>, <c>image[]</c>, <c>mask</c>); empty otherwise.</summary>
    public IReadOnlyList<string> FileParts { get; init; } = [];
}
