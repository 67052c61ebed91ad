/**
 * Twilio Voice adapter: TwiML for Twilio Media Streams.
 *
 * <p>{@link dev.switchboard.adapters.media.twilio.MediaStreamTwiml} answers a voice webhook with
 * {@code <Connect><Stream>}, which bridges the call's audio to our WebSocket (see
 * docs/twilio.md, "Media Streams").
 */
package dev.switchboard.adapters.media.twilio;
