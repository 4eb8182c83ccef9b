"""The Pulumi program: what every covered account gets, and the mock engine `synth` runs it under."""
