using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Lumenfall.Sdk.Testing.Fakes;

/// <summary>
/// The images the fakes answer with: drawn by <see cref="EmulatorImages"/>, sized to the request within the model's
/// limits and <see cref="EmulatorOptions.MaxSide"/>, stored, and served under <c>/files/</c>.
/// </summary>
internal sealed class FakeImages
{
    private readonly EmulatorState _state;

    public FakeImages(EmulatorState state) => _state = state;

    /// <summary>Serves a stored image or upload (<c>GET /files/{name}</c>).</summary>
    public async Task ServeAsync(HttpContext context)
    {
        if (!_state.Files.TryGetValue((string)context.Request.RouteValues["name"]!, out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = file.MediaType;
        context.Response.ContentLength = file.Bytes.Length;
        await context.Response.Body.WriteAsync(file.Bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Draws image <paramref name="index"/> of a request, deterministic from prompt and seed.</summary>
    public static (byte[] Bytes, string MediaType) Draw(int width, int height, bool jpeg, string prompt, long? seed, int index)
    {
        ulong hash = EmulatorImages.Hash(prompt, seed) + (ulong)index;
        return jpeg ? (EmulatorImages.Jpeg(width, height, hash), "image/jpeg") : (EmulatorImages.Png(width, height, hash), "image/png");
    }

    /// <summary>Keeps an image to serve under <c>/files/</c> and returns its URL.</summary>
    public string Store(byte[] bytes, string mediaType)
    {
        string name = $"img-{_state.Next()}{(mediaType == "image/jpeg" ? ".jpg" : ".png")}";
        _state.Files[name] = (bytes, mediaType);
        return new Uri(_state.BaseAddress, "files/" + name).AbsoluteUri;
    }

    /// <summary>Reads <c>WxH</c>, or <c>W:H</c> scaled to <paramref name="longSide"/>, within the model's limits and <see cref="EmulatorOptions.MaxSide"/>.</summary>
    public (int Width, int Height) Dimensions(string? text, int longSide, ModelLimits? limits)
    {
        var size = new ImageSize(text ?? string.Empty);
        (int w, int h) = size is { Width: int width, Height: int height } ? (width, height)
            : new AspectRatio(text ?? string.Empty) is { IsWellFormed: true } ratio && TryRatio(ratio.Value, out double r)
                ? (r >= 1 ? (longSide, (int)Math.Round(longSide / r)) : ((int)Math.Round(longSide * r), longSide))
                : (longSide, longSide);
        if (limits?.MaxWidth is int maxLong && limits.MaxHeight is int maxShort)
        {
            double scale = Math.Min(1, Math.Min((double)maxLong / Math.Max(w, h), (double)maxShort / Math.Min(w, h)));
            (w, h) = ((int)(w * scale), (int)(h * scale));
        }

        return Fit(w, h);
    }

    /// <summary>Scales a size down to fit <see cref="EmulatorOptions.MaxSide"/>, keeping its shape.</summary>
    public (int Width, int Height) Fit(int width, int height)
    {
        double scale = Math.Min(1, (double)_state.Options.MaxSide / Math.Max(width, height));
        return (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
    }

    private static bool TryRatio(string text, out double ratio)
    {
        string[] parts = text.Split(':');
        ratio = double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
        return ratio > 0;
    }
}
