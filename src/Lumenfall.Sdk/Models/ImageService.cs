namespace Lumenfall.Sdk;

/// <summary>The services the SDK talks to. Every model belongs to exactly one.</summary>
public enum ImageService
{
    /// <summary>The Lumenfall gateway (OpenAI-compatible, synchronous): OmniGen v2, GPT Image 2, FLUX.2 [dev].</summary>
    Lumenfall,

    /// <summary>fal.ai (sync calls and the fal queue): OmniGen v1.</summary>
    Fal,

    /// <summary>OmniRouters (sync calls and async tasks): Omni-Image.</summary>
    OmniRouters,
}
