namespace Lumenfall.Sdk.Tests.Models;

public class ValueTypeTests
{
    [Theory]
    [InlineData("1024x768", 1024, 768, true, false, false)]
    [InlineData("16:9", null, null, false, true, false)]
    [InlineData("auto", null, null, false, false, true)]
    [InlineData("1024*1024", null, null, false, false, false)]
    [InlineData("x768", null, null, false, false, false)]
    [InlineData("-1x5", null, null, false, false, false)]
    [InlineData("square_hd", null, null, false, false, false)]
    public void Image_size_recognises_each_spelling(string text, int? width, int? height, bool pixels, bool ratio, bool auto)
    {
        ImageSize size = text;

        size.Width.Should().Be(width);
        size.Height.Should().Be(height);
        size.IsPixels.Should().Be(pixels);
        size.IsAspectRatio.Should().Be(ratio);
        size.IsAuto.Should().Be(auto);
        size.ToString().Should().Be(text);
    }

    [Fact]
    public void Default_values_never_return_null_strings()
    {
        default(ImageSize).Value.Should().BeEmpty();
        default(OutputFormat).Value.Should().BeEmpty();
        default(AspectRatio).IsWellFormed.Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDB }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x42, 0x4D, 0, 0 }, "image/bmp")]
    [InlineData(new byte[] { 0x00, 0x01, 0x02, 0x03 }, null)]
    public void Image_inputs_know_their_media_type_from_their_bytes(byte[] bytes, string? mediaType) =>
        ImageInput.FromBytes(bytes).KnownMediaType.Should().Be(mediaType);

    [Fact]
    public void Image_inputs_fall_back_to_the_declared_type_then_the_extension()
    {
        ImageInput.FromFile("photo.JPG").KnownMediaType.Should().Be("image/jpeg");
        ImageInput.FromFile("photo.dat", "IMAGE/PNG").KnownMediaType.Should().Be("image/png");
        ImageInput.FromUrl("data:image/webp;base64,AAAA").KnownMediaType.Should().Be("image/webp");
        ImageInput.FromStream(new MemoryStream(), "scan").KnownMediaType.Should().BeNull();
    }

    [Theory]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("relative/a.png")]
    [InlineData("file:///tmp/a.png")]
    public void Image_urls_must_be_http_https_or_data(string url) =>
        FluentActions.Invoking(() => ImageInput.FromUrl(url)).Should().Throw<ArgumentException>().WithParameterName(nameof(url));

    [Fact]
    public void A_write_only_stream_is_refused_at_once()
    {
        using var stream = new NonReadableStream();

        FluentActions.Invoking(() => ImageInput.FromStream(stream, "a.png")).Should().Throw<ArgumentException>().WithParameterName("stream");
    }

    private sealed class NonReadableStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
