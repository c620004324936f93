namespace Lumenfall.Sdk;

/// <summary>What a request asks a model to do.</summary>
public enum ImageMode
{
    /// <summary>Create images from a prompt (reference images may still be given where the model accepts them).</summary>
    TextToImage,

    /// <summary>Change one or more input images as the prompt instructs.</summary>
    Edit,
}
