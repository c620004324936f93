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

/// <summary>What a request asks a model to do.</summary>
public enum ImageMode
{
    /// <summary>Create images from a prompt (reference images may still be given where the model accepts them).</summary>
    TextToImage,

    /// <summary>Change one or more input images as the prompt instructs.</summary>
    Edit,
}
