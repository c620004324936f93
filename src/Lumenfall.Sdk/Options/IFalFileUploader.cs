namespace Lumenfall.Sdk;

/// <summary>Uploads a local input image somewhere a fal model can read it, and returns the URL.</summary>
public interface IFalFileUploader
{
    /// <summary>Uploads one image.</summary>
    /// <param name="content">The image bytes; read once, not disposed.</param>
    /// <param name="contentType">Its media type, for example <c>image/png</c>.</param>
    /// <param name="fileName">Its file name, with the matching extension.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    /// <returns>A URL the model can fetch.</returns>
    Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken);
}
