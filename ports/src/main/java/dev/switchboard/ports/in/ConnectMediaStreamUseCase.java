package dev.switchboard.ports.in;

import dev.switchboard.ports.out.MediaStreamOutput;

/**
 * Driving port: a telephony provider opened a media stream (Twilio Media Streams over WebSocket).
 * The adapter parses the provider's frames and hands them to the returned session; the session
 * answers through {@code output}, which the adapter owns.
 */
public interface ConnectMediaStreamUseCase {

    /** A new session for one stream. The adapter calls it from one thread at a time, in frame order. */
    MediaStreamSession connect(MediaStreamOutput output);
}
