namespace Lumenfall.Sdk;

/// <summary>What the SDK does with a local input image for a fal model, which takes URLs.</summary>
public enum FalLocalImages
{
    /// <summary>Upload it to fal storage and send the file URL.</summary>
    Upload,

    /// <summary>Send it inline as a <c>data:</c> URI (fine for small images; accepted by many fal models).</summary>
    InlineDataUri,
}
