using Lumenfall.Sdk;

namespace Microsoft.Extensions.AI;

/// <summary>Turns an <see cref="ImageClient"/> into a Microsoft.Extensions.AI <see cref="IImageGenerator"/>.</summary>
[System.Diagnostics.CodeAnalysis.Experimental("MEAI001", UrlFormat = "https://aka.ms/dotnet-extensions-warnings/{0}")]
public static class LumenfallImageClientExtensions
{
    /// <summary>Gets an <see cref="IImageGenerator"/> that sends <paramref name="modelId"/> through <paramref name="client"/>.</summary>
    /// <param name="client">The client; the generator does not dispose it.</param>
    /// <param name="modelId">A catalog id or alias (<c>gpt-image-2</c>, <c>flux.2-dev</c>, <c>omnigen-v1</c>), <c>omnirouters/&lt;model&gt;</c>, <c>fal-ai/&lt;app&gt;</c> or a gateway model id.</param>
    /// <returns>A <see cref="LumenfallImageGenerator"/>.</returns>
    public static IImageGenerator AsIImageGenerator(this ImageClient client, string modelId) => new LumenfallImageGenerator(client, modelId);
}
