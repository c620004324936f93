using Lumenfall.Sdk;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IImageGenerator"/>s over the <see cref="ImageClient"/> that <c>AddLumenfall()</c> adds.</summary>
[System.Diagnostics.CodeAnalysis.Experimental("MEAI001", UrlFormat = "https://aka.ms/dotnet-extensions-warnings/{0}")]
public static class LumenfallImageGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IImageGenerator"/> for <paramref name="modelId"/> over this registration's client, as a
    /// singleton (the client is one, and follows configuration reloads call by call), through Microsoft.Extensions.AI's
    /// <c>AddImageGenerator</c>: the returned builder adds middleware such as <c>UseLogging()</c> and <c>UseOpenTelemetry()</c>.
    /// </summary>
    /// <param name="builder">What <c>AddLumenfall()</c> or <c>AddKeyedLumenfall()</c> returned.</param>
    /// <param name="modelId">The model, as <see cref="LumenfallImageClientExtensions.AsIImageGenerator"/> takes it.</param>
    /// <returns>Microsoft.Extensions.AI's builder of the generator's pipeline.</returns>
    public static ImageGeneratorBuilder AddImageGenerator(this LumenfallBuilder builder, string modelId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return builder.Services.AddImageGenerator(provider => builder.GetClient(provider).AsIImageGenerator(modelId));
    }

    /// <summary>
    /// Registers a keyed singleton <see cref="IImageGenerator"/> for <paramref name="modelId"/> (resolve it with
    /// <c>[FromKeyedServices(key)]</c>), so one app can hold several models; the returned builder adds middleware.
    /// </summary>
    /// <param name="builder">What <c>AddLumenfall()</c> or <c>AddKeyedLumenfall()</c> returned.</param>
    /// <param name="serviceKey">The generator's key.</param>
    /// <param name="modelId">The model, as <see cref="LumenfallImageClientExtensions.AsIImageGenerator"/> takes it.</param>
    /// <returns>Microsoft.Extensions.AI's builder of the generator's pipeline.</returns>
    public static ImageGeneratorBuilder AddKeyedImageGenerator(this LumenfallBuilder builder, object serviceKey, string modelId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return builder.Services.AddKeyedImageGenerator(serviceKey, provider => builder.GetClient(provider).AsIImageGenerator(modelId));
    }
}
