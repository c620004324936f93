namespace Lumenfall.Sdk;

/// <summary>Token usage of a token-priced image model (GPT Image 2).</summary>
/// <param name="InputTokens">All input tokens.</param>
/// <param name="OutputTokens">All output tokens.</param>
/// <param name="TotalTokens">Input plus output tokens.</param>
/// <param name="InputTextTokens">Input tokens from text, when reported.</param>
/// <param name="InputImageTokens">Input tokens from images, when reported.</param>
/// <param name="OutputTextTokens">Output tokens from text, when reported.</param>
/// <param name="OutputImageTokens">Output tokens from images, when reported.</param>
public sealed record ImageUsage(
    long? InputTokens,
    long? OutputTokens,
    long? TotalTokens,
    long? InputTextTokens = null,
    long? InputImageTokens = null,
    long? OutputTextTokens = null,
    long? OutputImageTokens = null);
