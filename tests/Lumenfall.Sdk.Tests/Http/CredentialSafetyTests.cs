using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Http;

/// <summary>The key goes only to its own service's host, responses are bounded, saved files stay in their folder.</summary>
public class CredentialSafetyTests
{
    private const string Models = LumenfallBase + "/models";

    [Fact]
    public async Task A_redirect_to_another_host_carries_no_authorization()
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Get, Models, HttpStatusCode.TemporaryRedirect, "https://elsewhere.example.com/models");
        harness.Script(HttpMethod.Get, "https://elsewhere.example.com/models", () => Json(HttpStatusCode.OK, """{ "data": [] }"""));

        await harness.Client.ListModelsAsync();

        harness.Requests.Select(r => (r.Uri.Host, r.Authorization)).Should().Equal(
            ("api.lumenfall.ai", "Bearer " + LumenfallKey),
            ("elsewhere.example.com", null));
    }

    [Fact]
    public async Task A_redirect_within_the_services_host_keeps_authorization_and_a_303_becomes_a_get()
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Post, LumenfallBase + "/images/generations", HttpStatusCode.SeeOther, "/openai/v1/results/abc");
        harness.Script(HttpMethod.Get, "https://api.lumenfall.ai/openai/v1/results/abc", () => Json(HttpStatusCode.OK, """{ "data": [ { "url": "https://media.lumenfall.ai/a.png" } ] }"""));

        await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));

        harness.Requests.Select(r => (r.Method.Method, r.Uri.AbsolutePath, r.Authorization)).Should().Equal(
            ("POST", "/openai/v1/images/generations", "Bearer " + LumenfallKey),
            ("GET", "/openai/v1/results/abc", "Bearer " + LumenfallKey));
    }

    [Theory]
    [InlineData(HttpStatusCode.TemporaryRedirect)]
    [InlineData(HttpStatusCode.PermanentRedirect)]
    public async Task A_billable_body_is_never_forwarded_to_another_host(HttpStatusCode status)
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Post, LumenfallBase + "/images/generations", status, "https://elsewhere.example.com/images/generations");

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"))).Should().ThrowAsync<LumenfallException>();

        harness.Requests.Should().ContainSingle("the redirect is the answer: the prompt and the bill never go to another host")
            .Which.Uri.Host.Should().Be("api.lumenfall.ai");
    }

    [Fact]
    public async Task A_same_host_redirect_keeps_the_key_when_the_host_is_an_international_name_spelled_either_way()
    {
        var harness = new ServiceHarness(o => o.Gateway.Endpoint = new Uri("https://bücher.example/openai/v1"));
        harness.Redirect(HttpMethod.Get, "https://bücher.example/openai/v1/models", HttpStatusCode.TemporaryRedirect, "https://xn--bcher-kva.example/openai/v2/models");
        harness.Respond(HttpMethod.Get, "https://xn--bcher-kva.example/openai/v2/models", """{ "data": [] }""");

        await harness.Client.ListModelsAsync();

        harness.Requests.Should().HaveCount(2).And.AllSatisfy(r => r.Authorization.Should().Be("Bearer " + LumenfallKey));
    }

    [Fact]
    public async Task A_post_redirected_to_a_get_is_a_read_retried_on_a_5xx()
    {
        var harness = new ServiceHarness(o => o.Gateway.Retry.MaxRetries = 2);
        harness.Redirect(HttpMethod.Post, LumenfallBase + "/images/generations", HttpStatusCode.SeeOther, "/openai/v1/results/abc");
        harness.Script(HttpMethod.Get, "https://api.lumenfall.ai/openai/v1/results/abc",
            () => Json(HttpStatusCode.BadGateway, "{}"),
            () => Json(HttpStatusCode.OK, """{ "data": [ { "url": "https://media.lumenfall.ai/a.png" } ] }"""));

        ImageGenerationResult result = await Reliability.TypedFailureTests.DriveAsync(harness, harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")));

        result.Images.Should().ContainSingle();
        harness.Requests.Select(r => r.Method.Method).Should().Equal("POST", "GET", "GET");
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_never_followed()
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Get, Models, HttpStatusCode.Found, "http://api.lumenfall.ai/openai/v1/models");

        await FluentActions.Awaiting(() => harness.Client.ListModelsAsync()).Should().ThrowAsync<LumenfallException>();

        harness.Requests.Should().ContainSingle().Which.Uri.Scheme.Should().Be("https");
    }

    [Fact]
    public async Task A_same_host_redirect_of_a_billable_post_keeps_its_body_and_key()
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Post, LumenfallBase + "/images/generations", HttpStatusCode.TemporaryRedirect, "https://api.lumenfall.ai/openai/v2/images/generations");
        harness.Script(HttpMethod.Post, "https://api.lumenfall.ai/openai/v2/images/generations", () => Json(HttpStatusCode.OK, """{ "data": [ { "url": "https://media.lumenfall.ai/a.png" } ] }"""));

        await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("a fox"));

        harness.Requests.Should().HaveCount(2);
        harness.Requests[1].Authorization.Should().Be("Bearer " + LumenfallKey);
        harness.Requests[1].Json["prompt"]!.GetValue<string>().Should().Be("a fox");
    }

    [Fact]
    public async Task A_fal_upload_target_named_by_the_server_never_gets_the_key_even_on_a_keyed_host()
    {
        var harness = new ServiceHarness(o => o.Fal.Mode = FalExecutionMode.Sync);
        harness.Respond(HttpMethod.Post, "https://rest.fal.ai/storage/upload/initiate",
            """{"upload_url":"https://fal.run/upload-here/1","file_url":"https://v3.fal.media/files/in.png"}""");
        harness.Respond(HttpMethod.Put, "https://fal.run/upload-here/1", "{}");
        harness.Respond(HttpMethod.Post, "https://fal.run/fal-ai/omnigen-v1", """{"images":[{"url":"https://v3.fal.media/out.png"}]}""");

        await harness.Client.GenerateAsync(new OmniGenV1Request("<img><|image_1|></img> x") { Images = [ImageInput.FromBytes(TestImages.Png, "image/png", "in.png")] });

        harness.Requests.Select(r => (r.Method.Method, r.Uri.AbsolutePath, r.Authorization)).Should().Equal(
            ("POST", "/storage/upload/initiate", "Key " + FalKey),
            ("PUT", "/upload-here/1", null),
            ("POST", "/fal-ai/omnigen-v1", "Key " + FalKey));
    }

    [Fact]
    public async Task Each_service_key_goes_only_to_that_service()
    {
        var harness = new ServiceHarness(o => o.Gateway.Endpoint = new Uri("https://queue.fal.run/pretend-gateway"));
        harness.Respond(HttpMethod.Get, "https://queue.fal.run/pretend-gateway/models", """{ "data": [] }""");

        await harness.Client.ListModelsAsync();

        harness.Requests.Single().Authorization.Should().Be("Bearer " + LumenfallKey, "the Lumenfall channel uses its own key even on a host another service also uses");
    }

    [Fact]
    public async Task A_response_larger_than_the_cap_fails_clearly()
    {
        var harness = new ServiceHarness(o => o.MaxResponseBytes = 1024);
        string big = "{ \"data\": [ { \"url\": \"https://media.lumenfall.ai/a.png\", \"revised_prompt\": \"" + new string('x', 4096) + "\" } ] }";
        harness.Script(HttpMethod.Post, LumenfallBase + "/images/generations", () =>
        {
            var response = Json(HttpStatusCode.OK, big);
            response.Content.Headers.ContentLength = null;   // streamed: the cap must hold while reading
            return response;
        });

        LumenfallException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x")))
            .Should().ThrowAsync<LumenfallException>()).Which;

        error.Message.Should().Contain("larger than the 1,024-byte limit").And.Contain("MaxResponseBytes");
    }

    [Fact]
    public async Task A_download_larger_than_the_cap_is_refused_from_its_declared_length()
    {
        var harness = new ServiceHarness(o => o.MaxResponseBytes = 200);
        harness.RespondBytes("https://cdn.example.com/big.png", new byte[1024], "image/png");
        ImageGenerationResult result = await ResultWithImageAsync(harness);

        await FluentActions.Awaiting(() => result.Images[0].OpenReadAsync()).Should().ThrowAsync<LumenfallException>().WithMessage("*200-byte limit*");
    }

    [Theory]
    [InlineData("../escape.png", "escape.png")]
    [InlineData("..\\escape.png", "escape.png")]
    [InlineData("/etc/passwd", "passwd.png")]
    [InlineData("sub/dir.png", "dir.png")]
    [InlineData("a\0b:c*d?.png", "a_b_c_d.png")]
    [InlineData("CON.png", "CON_.png")]
    [InlineData("lpt1", "lpt1_.png")]
    [InlineData("..", "image.png")]
    [InlineData("\r\n", "image.png")]
    public async Task Saving_into_a_folder_keeps_a_hostile_service_file_name_inside_it(string fileName, string expected)
    {
        var image = new GeneratedImage(null, TestImages.Png) { FileName = fileName };
        string folder = Directory.CreateTempSubdirectory().FullName;

        string saved = await image.SaveAsync(folder);

        saved.Should().Be(Path.Combine(folder, expected));
        Directory.GetFiles(folder).Should().ContainSingle().Which.Should().Be(saved);
    }

    [Fact]
    public async Task Saving_into_a_folder_cuts_a_10000_character_service_file_name()
    {
        var image = new GeneratedImage(null, TestImages.Png) { FileName = new string('x', 10_000) + ".png" };
        string folder = Directory.CreateTempSubdirectory().FullName;

        string saved = await image.SaveAsync(folder);

        Path.GetFileName(saved).Should().Be(new string('x', 100) + ".png");
    }

    [Fact]
    public async Task A_safe_service_file_name_is_used_with_the_real_extension()
    {
        var image = new GeneratedImage(null, TestImages.Jpeg) { FileName = "omnigen.png" };
        string folder = Directory.CreateTempSubdirectory().FullName;

        string saved = await image.SaveAsync(folder);

        saved.Should().Be(Path.Combine(folder, "omnigen.jpg"));
    }

    [Fact]
    public async Task A_missing_key_fails_before_anything_is_sent_and_names_the_variable()
    {
        var harness = new ServiceHarness(o => o.Fal.ApiKey = null);

        LumenfallAuthenticationException error = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(new OmniGenV1Request("x")))
            .Should().ThrowAsync<LumenfallAuthenticationException>()).Which;

        error.Message.Should().Contain("FAL_KEY").And.Contain("Lumenfall:Fal:ApiKey");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Options_never_print_keys()
    {
        var options = new LumenfallOptions();
        options.Gateway.ApiKey = LumenfallKey;
        options.Fal.ApiKey = FalKey;
        options.OmniRouters.ApiKey = OmniRoutersKey;

        string text = options.ToString();

        text.Should().NotContain(LumenfallKey).And.NotContain(FalKey).And.NotContain(OmniRoutersKey).And.Contain("***");
    }

    private static async Task<ImageGenerationResult> ResultWithImageAsync(ServiceHarness harness)
    {
        harness.Respond(HttpMethod.Post, LumenfallBase + "/images/generations", """{ "data": [ { "url": "https://cdn.example.com/big.png" } ] }""");
        return await harness.Client.GenerateAsync(new Flux2DevGenerationRequest("x"));
    }
}
