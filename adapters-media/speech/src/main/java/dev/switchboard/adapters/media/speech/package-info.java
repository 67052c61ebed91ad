/**
 * Google Cloud Speech-to-Text adapter.
 *
 * <p>{@link dev.switchboard.adapters.media.speech.GoogleSpeechClients} builds the
 * {@code SpeechClient} that streams call audio (μ-law 8 kHz from Twilio) to
 * {@code StreamingRecognize}; see docs/speech.md.
 */
package dev.switchboard.adapters.media.speech;
