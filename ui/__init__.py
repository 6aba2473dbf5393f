"""The Streamlit web app."""
