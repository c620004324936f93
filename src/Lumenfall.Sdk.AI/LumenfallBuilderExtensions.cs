using Lumenfall.Sdk;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IImageGenerator"/>s over the <see cref="ImageClient"/> that <c>AddLumenfall()</c> adds.</summary>
public static class LumenfallImageGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IImageGenerator"/> for <paramref name="modelId"/> over this registration's client
    /// (transient, as the client is: one resolved after a configuration reload uses the new options).
    /// </summary>
    /// <param name="builder">What <c>AddLumenfall()</c> or <c>AddKeyedLumenfall()</c> returned.</param>
    /// <param name="modelId">The model, as <see cref="LumenfallImageClientExtensions.AsImageGenerator"/> takes it.</param>
    /// <returns>The builder.</returns>
    public static LumenfallBuilder AddImageGenerator(this LumenfallBuilder builder, string modelId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        builder.Services.AddTransient<IImageGenerator>(provider => builder.GetClient(provider).AsImageGenerator(modelId));
        return builder;
    }

    /// <summary>Registers a keyed <see cref="IImageGenerator"/> for <paramref name="modelId"/> (resolve it with <c>[FromKeyedServices(key)]</c>), so one app can hold several models.</summary>
    /// <param name="builder">What <c>AddLumenfall()</c> or <c>AddKeyedLumenfall()</c> returned.</param>
    /// <param name="serviceKey">The generator's key.</param>
    /// <param name="modelId">The model, as <see cref="LumenfallImageClientExtensions.AsImageGenerator"/> takes it.</param>
    /// <returns>The builder.</returns>
    public static LumenfallBuilder AddKeyedImageGenerator(this LumenfallBuilder builder, object serviceKey, string modelId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        builder.Services.AddKeyedTransient<IImageGenerator>(serviceKey, (provider, _) => builder.GetClient(provider).AsImageGenerator(modelId));
        return builder;
    }
}
