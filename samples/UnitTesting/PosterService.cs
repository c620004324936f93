using Lumenfall.Sdk;

namespace UnitTesting;

/// <summary>The app code under test: makes a poster, falls back to a smaller size when the model is busy.</summary>
public sealed class PosterService(ImageClient images)
{
    public async Task<Uri?> MakePosterAsync(string title, CancellationToken cancellationToken = default)
    {
        try
        {
            ImageGenerationResult result = await images.GenerateAsync(new Flux2DevGenerationRequest($"A poster titled {title}") { Size = "1536x1024" }, cancellationToken: cancellationToken);
            return result.Images[0].Uri;
        }
        catch (LumenfallRateLimitException)
        {
            ImageGenerationResult small = await images.GenerateAsync(new Flux2DevGenerationRequest($"A poster titled {title}") { Size = "768x512" }, cancellationToken: cancellationToken);
            return small.Images[0].Uri;
        }
        catch (LumenfallContentPolicyException)
        {
            return null;
        }
    }
}
