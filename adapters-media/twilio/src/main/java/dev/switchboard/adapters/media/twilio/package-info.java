/**
 * Twilio Voice adapter: TwiML for Twilio Media Streams.
 *
 * <p>{@link dev.switchboard.adapters.media.twilio.MediaStreamTwiml} answers a voice webhook with
 * {@code <Connect><Stream>}, which bridges the call's audio to our WebSocket (see
 * {@code shared/specs/twilio-media-streams.md}).
 */
package dev.switchboard.adapters.media.twilio;
