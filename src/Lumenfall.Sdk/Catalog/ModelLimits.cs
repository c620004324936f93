namespace Lumenfall.Sdk;

/// <summary>A model's limits; <see langword="null"/> means the model's page states none.</summary>
/// <param name="MaxInputImages">The most input images one request may carry.</param>
/// <param name="MaxOutputImages">The most images one request may produce.</param>
/// <param name="MinSide">The smallest width or height in pixels.</param>
/// <param name="MaxSide">The largest width or height in pixels.</param>
/// <param name="MaxWidth">The largest long side in pixels.</param>
/// <param name="MaxHeight">The largest short side in pixels.</param>
public sealed record ModelLimits(
    int? MaxInputImages = null,
    int? MaxOutputImages = null,
    int? MinSide = null,
    int? MaxSide = null,
    int? MaxWidth = null,
    int? MaxHeight = null);

/// <summary>An upstream provider that serves a model.</summary>
/// <param name="Key">The routing key, for example <c>fal/omnigen-v2</c>; usable as a forced provider.</param>
/// <param name="Name">The provider's name.</param>
/// <param name="ProviderModelId">The model's id at the provider.</param>
/// <param name="Pricing">The provider's price, as its page states it.</param>
/// <param name="Notes">Notes from the model's page.</param>
public sealed record ModelProvider(string Key, string Name, string ProviderModelId, string Pricing, IReadOnlyList<string> Notes);
